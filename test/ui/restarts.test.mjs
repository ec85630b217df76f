// Crashes and a second window, in a real workbench (code-server) in real Chromium: an extension
// host killed under an open form, and two browser tabs of one workspace sharing one paid job.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, root, startCodeServer, VSIX } from '../../scripts/code-server.mjs';
import { Simulator } from '../../scripts/simulator.mjs';
import { enterKeyIfAsked, explorerRow, formFrame, leaseHolders, openFormFromPalette, runCommand, waitUntil } from './workbench.mjs';

const KEY = 'ui-restart-key-3';
const artifacts = path.join(root, 'test-results');
const sampleVideo = readFileSync(path.join(root, 'test/simulator/sample.mp4'));

describe('UI: crashes and a second window', function () {
  let sim, server, browser, context;
  const pages = [];

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    sim = await Simulator.start({ apiKey: KEY, generationMs: 15_000 });
    server = await startCodeServer({
      vsix: VSIX,
      settings: { 'lumaVideo.apiBaseUrl': sim.apiBaseUrl, 'lumaVideo.assetBaseUrl': sim.assetBaseUrl },
    });
    browser = await chromium.launch(CHROMIUM);
    // One browser profile, as a person's two tabs share: the same key in secret storage.
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      for (const [i, page] of pages.entries())
        await page
          .screenshot({ path: path.join(artifacts, `failure-${this.currentTest.title.replace(/\W+/g, '-')}-${i}.png`) })
          .catch(() => undefined);
    }
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await sim?.stop();
  });

  async function openWindow() {
    const page = await context.newPage();
    pages.push(page);
    await page.goto(server.workspaceUrl());
    await explorerRow(page, 'cat.png').waitFor({ timeout: 60_000 });
    return page;
  }

  const openForm = openFormFromPalette;

  const videosOf = (stem) => readdirSync(server.workspace).filter((name) => name.startsWith(`${stem}.luma`) && name.endsWith('.mp4'));

  it(
    'the extension host crashes under an open form: ' +
      'the form comes back working, with the prompt as typed, and the paid video lands once',
    async () => {
      const page = await openWindow();
      await openForm(page, 'cat.png');
      const form = () => formFrame(page);
      await form().getByLabel('Prompt', { exact: true }).fill('the tide comes in');
      await form().locator('#generate').click();
      await enterKeyIfAsked(page, KEY);
      await form()
        .getByText(/Generating video/)
        .waitFor({ timeout: 20_000 });
      await waitUntil('the service to accept the job', () => sim.featureCalls === 1);
      const [holder] = await waitUntil(
        'the lease of the running job',
        () => leaseHolders(server.userData).length && leaseHolders(server.userData),
      );

      // The tab is open: its extension host must be alive, and this test is what kills it.
      process.kill(holder.pid, 'SIGKILL');
      // VS Code starts a new extension host; the form it left behind is replaced by a working one.
      await waitUntil(
        'a new extension host to run the job',
        () => leaseHolders(server.userData).some((lease) => lease.pid !== holder.pid),
        60_000,
      );
      await form()
        .getByText(/Generating video/)
        .waitFor({ timeout: 30_000 });
      assert.equal(await form().getByLabel('Prompt', { exact: true }).inputValue(), 'the tide comes in', 'what was typed is kept');
      await page.screenshot({ path: path.join(artifacts, 'form-after-host-crash.png') });
      // Cancel is alive again: it asks about the paid video; keep waiting.
      await form().locator('#cancel').click();
      await form().locator('#cancel-question').waitFor();
      await form().locator('#keep-waiting').click();

      await form().locator('#open-video').waitFor({ timeout: 60_000 });
      assert.equal(sim.featureCalls, 1, 'paid once');
      assert.deepEqual(videosOf('cat'), ['cat.luma.mp4'], 'one video');
      assert.deepEqual(readFileSync(path.join(server.workspace, 'cat.luma.mp4')), sampleVideo);
      assert.equal(await page.locator('.tab', { hasText: 'Luma: cat.png' }).count(), 1, 'the frozen form is gone, not beside the new one');
    },
  );

  it(
    'two browser tabs of one workspace: the second shows the job running in the other; ' +
      'when that window dies it takes over, one whole video, paid once',
    async () => {
      const paidBefore = sim.featureCalls;
      const first = pages[0] ?? (await openWindow());
      const second = await openWindow();
      await openForm(first, 'beach.jpg');
      await formFrame(first).getByLabel('Prompt', { exact: true }).fill('the waves roll in');
      await formFrame(first).locator('#generate').click();
      await enterKeyIfAsked(first, KEY);
      await waitUntil('the service to accept the job', () => sim.featureCalls === paidBefore + 1);
      const holder = await waitUntil('the lease', () => leaseHolders(server.userData).find(Boolean));

      await runCommand(second, 'Luma: Show Generations');
      await second.locator('.pane-header', { hasText: 'Luma Generations' }).waitFor();
      await second
        .getByText(/in another window/)
        .first()
        .waitFor({ timeout: 30_000 });
      await second.screenshot({ path: path.join(artifacts, 'generations-in-another-window.png') });

      // The first window goes away for good: its tab closes and its extension host dies.
      await first.close();
      pages.splice(pages.indexOf(first), 1);
      try {
        process.kill(holder.pid, 'SIGKILL');
      } catch (error) {
        // Already gone: the server may end a closed tab's extension host on its own.
        if (error.code !== 'ESRCH') throw error;
      }
      await waitUntil(
        'the second window to take the job over',
        () => leaseHolders(server.userData).some((lease) => lease.pid !== holder.pid),
        60_000,
      );
      await waitUntil('the video', () => videosOf('beach').length > 0 && existsSync(path.join(server.workspace, 'beach.luma.mp4')), 90_000);
      await explorerRow(second, 'beach.luma.mp4').waitFor({ timeout: 30_000 });
      assert.equal(sim.featureCalls, paidBefore + 1, 'paid once');
      assert.deepEqual(videosOf('beach'), ['beach.luma.mp4'], 'no duplicate');
      assert.deepEqual(readFileSync(path.join(server.workspace, 'beach.luma.mp4')), sampleVideo, 'not corrupted');
    },
  );
});
