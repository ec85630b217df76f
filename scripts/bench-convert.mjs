// upload_bytes_ratio and convert_ms: in the real workbench (code-server) in Chromium, a 6000 × 4000
// camera JPEG (about 9 MB) under the default settings. The form's webview makes the copy it sends
// (lumaVideo.shrinkLargeImages: long side 2048 px); the ratio is the bytes the simulator received
// over the file's size, and convert_ms how long the conversion took in the webview (its own
// performance measure), median of `rounds` forms opened afresh.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { browserJpeg } from '../test/ui/pictures.mjs';
import {
  enterKeyIfAsked,
  formDocument,
  formFrame,
  openFormFromPalette,
  runCommand,
  startWorkbench,
  waitUntil,
} from '../test/ui/workbench.mjs';

const KEY = 'bench-convert-key';
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function convertFigures({ rounds = 5 } = {}) {
  const workbench = await startWorkbench({ key: KEY, generationMs: 500 });
  const { page, sim } = workbench;
  const times = [];
  let ratio;
  let fileBytes;
  try {
    const photo = await browserJpeg(page, 6000, 4000, 0.9);
    fileBytes = photo.length;
    writeFileSync(path.join(workbench.server.workspace, 'camera.jpg'), photo);
    for (let round = 0; round < rounds; round++) {
      await openFormFromPalette(page, 'camera.jpg');
      await formFrame(page)
        .locator('#image-send')
        .getByText(/sent as JPEG/)
        .waitFor({ timeout: 60_000 });
      const frame = await formDocument(page);
      times.push(await frame.evaluate(() => performance.getEntriesByName('luma-convert').at(-1)?.duration ?? NaN));
      if (round === 0) {
        const before = sim.uploadsReceived.length;
        await formFrame(page).getByLabel('Prompt', { exact: true }).fill('the light changes');
        await formFrame(page).locator('#generate').click();
        await enterKeyIfAsked(page, KEY);
        const [upload] = await waitUntil(
          'the upload',
          () => sim.uploadsReceived.length > before && sim.uploadsReceived.slice(before),
          60_000,
        );
        ratio = upload.size / fileBytes;
      }
      await runCommand(page, 'View: Close All Editors');
    }
  } finally {
    await workbench.stop();
  }
  return {
    upload_source_mb: (fileBytes / 2 ** 20).toFixed(1),
    upload_bytes_ratio: ratio.toFixed(3),
    convert_ms: median(times).toFixed(0),
  };
}
