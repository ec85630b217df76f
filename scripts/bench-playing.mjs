// ready_to_playing_ms: in the real workbench (code-server) in Chromium, from the simulator turning a
// job to SUCCESS to the form's video element saying it can play, for a 5 MB video over loopback,
// median of `rounds`. Printed in two parts: until a check sees it done (the polling), and from
// there to playing (the download, the save, the message to the form, the video loading).
/* global window, document, MutationObserver */ // in the form's page, where frame.evaluate runs them
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { enterKeyIfAsked, formDocument, formFrame, openFormFromPalette, startWorkbench, waitUntil } from '../test/ui/workbench.mjs';

const root = path.resolve(import.meta.dirname, '..');
const KEY = 'bench-playing-key';
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The sample video, then a `free` box: a playable MP4 of `bytes`. */
function paddedVideo(bytes, folder) {
  const sample = readFileSync(path.join(root, 'test/simulator/sample.mp4'));
  const free = Buffer.alloc(bytes - sample.length);
  free.writeUInt32BE(free.length, 0);
  free.write('free', 4, 'latin1');
  const file = path.join(folder, 'video-5mb.mp4');
  writeFileSync(file, Buffer.concat([sample, free]));
  return file;
}

export async function readyToPlaying({ rounds = 5 } = {}) {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'luma-bench-playing-'));
  const workbench = await startWorkbench({
    key: KEY,
    generationMs: 3_600_000, // finished by the benchmark, at a moment it knows
    simulator: { videoPath: paddedVideo(5 * 1024 * 1024, folder) },
  });
  const { page, sim } = workbench;
  const detect = [];
  const rest = [];
  try {
    await openFormFromPalette(page, 'cat.png');
    for (let round = 0; round < rounds; round++) {
      const form = formFrame(page);
      await form.getByLabel('Prompt', { exact: true }).fill(`round ${round}`);
      const before = sim.jobs().length;
      await form.locator('#generate').click();
      await enterKeyIfAsked(page, KEY);
      const [job] = await waitUntil('the service to accept the job', () => sim.jobs().length > before && sim.jobs().slice(before));
      // Watch for the video the form will show: the moment it can play, on the page's clock (the same wall clock).
      const frame = await formDocument(page);
      await frame.evaluate(() => {
        window.lumaCanPlayAt = 0;
        const hook = () => {
          const video = document.querySelector('video');
          if (!video || video.dataset.benchHooked) return;
          video.dataset.benchHooked = '1';
          const seen = () => (window.lumaCanPlayAt ||= Date.now());
          video.addEventListener('canplay', seen);
          if (video.readyState >= 3) seen();
        };
        new MutationObserver(hook).observe(document.body, { subtree: true, childList: true });
      });
      await new Promise((resolve) => setTimeout(resolve, 2000 + Math.random() * 3000)); // a moment into the wait
      const finishedAt = Date.now();
      sim.finishJob(job.uuid);
      const canPlayAt = await waitUntil('the video to be able to play', () => frame.evaluate(() => window.lumaCanPlayAt), 60_000);
      const seenDone = sim.requests.find((r) => r.endpoint === 'result' && r.path.includes(job.uuid) && r.at >= finishedAt);
      detect.push(seenDone.at - finishedAt);
      rest.push(canPlayAt - seenDone.at);
    }
  } finally {
    await workbench.stop();
    rmSync(folder, { recursive: true, force: true });
  }
  const total = detect.map((d, i) => d + rest[i]);
  return {
    ready_to_playing_ms: median(total).toFixed(0),
    ready_to_playing_detect_ms: median(detect).toFixed(0),
    ready_to_playing_after_detect_ms: median(rest).toFixed(0),
  };
}
