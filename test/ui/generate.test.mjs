// A person's clicks in a real workbench (code-server) in real Chromium, with the packaged .vsix
// installed and its settings pointed at the local simulator.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { root } from '../../scripts/code-server.mjs';
import {
  artifacts,
  chooseMenuItem as chooseIn,
  contextMenuOffersItem as offersIn,
  docsImages,
  explorerRow as rowIn,
  formFrame,
  runCommand as runIn,
  screenshotIfFailed,
  selectInExplorer,
  startWorkbench,
} from './workbench.mjs';

const KEY = 'ui-test-key-7';

describe('UI: right-click an image, fill the form, get the video', function () {
  let sim, server, page, workbench;

  before(async () => {
    workbench = await startWorkbench({ key: KEY, generationMs: 2000 });
    ({ sim, server, page } = workbench);
  });

  afterEach(async function () {
    await screenshotIfFailed(page, this.currentTest);
  });

  after(() => workbench?.stop());

  const explorerRow = (name) => rowIn(page, name);
  const menuItem = () => page.getByRole('menuitem', { name: /Generate Video from Image/ });
  const form = () => formFrame(page);

  const contextMenuOffersItem = (name, tries) => offersIn(page, name, tries);
  const chooseMenuItem = () => chooseIn(page);

  const runCommand = (title) => runIn(page, title);

  /**
   * From now on, keeps every notification toast the workbench adds (VS Code makes one element per
   * notification) with the last message it showed: a progress toast's line changes, and a closed
   * toast's element is emptied.
   */
  const watchToasts = () =>
    page.evaluate(() => {
      const { document, HTMLElement, MutationObserver } = globalThis;
      const seen = (globalThis.lumaToastsSeen = []);
      new MutationObserver((records) => {
        for (const node of records.flatMap((record) => [...record.addedNodes])) {
          if (!(node instanceof HTMLElement)) continue;
          for (const element of [node, ...node.querySelectorAll('.notification-toast')])
            if (element.matches('.notifications-toasts .notification-toast') && !seen.some((toast) => toast.element === element))
              seen.push({ element, text: '' });
        }
        for (const toast of seen) {
          const text = toast.element.querySelector('.notification-list-item-message')?.textContent?.trim();
          if (text) toast.text = text;
        }
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
  /** The last message of each toast seen since watchToasts(). */
  const toastsSeen = () => page.evaluate(() => globalThis.lumaToastsSeen.map((toast) => toast.text));

  it('right-click cat.png > "Generate Video from Image…", type a prompt and the key: the video lands and opens', async () => {
    // First make sure the extension is loaded (the item is there on an image) …
    assert.ok(await contextMenuOffersItem('cat.png', 8), 'the item is offered on cat.png');
    await page.keyboard.press('Escape');
    // … so that its absence on a text file means something.
    assert.equal(await contextMenuOffersItem('notes.txt', 1), false, 'the item is not offered on notes.txt');
    await page.keyboard.press('Escape');

    assert.ok(await contextMenuOffersItem('cat.png', 3));
    await chooseMenuItem();
    await page.locator('.tab', { hasText: 'Luma: cat.png' }).waitFor();
    const prompt = form().getByLabel('Prompt', { exact: true });
    await prompt.waitFor({ timeout: 30_000 });
    await form().locator('#generate').click();
    await form().locator('#prompt-error').waitFor(); // empty prompt: told inline, nothing sent
    assert.equal(sim.requests.length, 0);
    await prompt.fill('the waves roll in slowly');
    await page.screenshot({ path: path.join(artifacts, 'form.png') });
    await form().locator('#generate').click();

    // No key yet: a masked input box asks for it.
    const keyBox = page.locator('.quick-input-widget input[type="password"]');
    await keyBox.waitFor({ timeout: 15_000 });
    await keyBox.fill(KEY);
    await keyBox.press('Enter');

    await form()
      .getByText(/Generating video/)
      .waitFor({ timeout: 20_000 });
    await page.screenshot({ path: path.join(docsImages, 'form-generating.png') });
    await explorerRow('cat.luma.mp4').waitFor({ timeout: 60_000 });
    const video = path.join(server.workspace, 'cat.luma.mp4');
    assert.ok(existsSync(video));
    assert.deepEqual(readFileSync(video), readFileSync(path.join(root, 'test/simulator/sample.mp4')));

    const open = form().locator('#open-video');
    await open.waitFor({ timeout: 15_000 });
    await open.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(docsImages, 'form-done.png') });
    await open.click();
    await page.locator('.tab', { hasText: 'cat.luma.mp4' }).waitFor({ timeout: 15_000 });
    for (const request of sim.requests.filter((r) => r.server === 'storage')) assert.equal(request.headers['api-key'], undefined);
  });

  it('a batch: three images selected in the Explorer, one form, one prompt, three videos', async () => {
    await page.keyboard.press('Escape');
    const batch = ['beach.jpg', 'sunset photo.PNG', 'cat.png'];
    await selectInExplorer(page, batch);
    // Right-click one of the selected: the menu acts on the whole selection.
    assert.ok(await contextMenuOffersItem('cat.png', 3));
    await chooseMenuItem();
    await page.locator('.tab', { hasText: 'Luma: 3 images' }).waitFor();
    const prompt = form().getByLabel('Prompt', { exact: true });
    await prompt.waitFor({ timeout: 30_000 });
    await prompt.fill('everything drifts gently to the left');
    await page.screenshot({ path: path.join(docsImages, 'batch.png') });
    const paidBefore = sim.featureCalls;
    // Count every notification toast that appears from here on, as a person would see them.
    await runCommand('Notifications: Clear All Notifications');
    await watchToasts();
    await form().locator('#generate').click();
    // Two at a time (lumaVideo.maxConcurrentJobs), the third waits; the status bar says so.
    await page.locator('.statusbar-item', { hasText: 'Luma: 2 running, 1 queued' }).waitFor({ timeout: 15_000 });
    for (const video of ['beach.luma.mp4', 'sunset photo.luma.mp4']) await explorerRow(video).waitFor({ timeout: 60_000 });
    for (let i = 0; sim.featureCalls < paidBefore + 3; i++) {
      assert.ok(i < 600, 'three generations');
      await page.waitForTimeout(100);
    }
    await explorerRow('cat.luma-2.mp4').waitFor({ timeout: 60_000 });
    assert.equal(sim.featureCalls, paidBefore + 3);
    // One notification for the batch, not one per video: one progress toast while it ran, one message at the end.
    await page.locator('.notifications-toasts').getByText('Luma: all 3 videos of the batch are ready.').waitFor({ timeout: 15_000 });
    await page.waitForTimeout(1000); // anything late would show now
    const toasts = await toastsSeen();
    assert.equal(toasts.length, 2, `toasts seen: ${JSON.stringify(toasts)}`);
    assert.match(toasts[0], /Luma: 3 videos: /);
    assert.match(toasts[1], /Luma: all 3 videos of the batch are ready\./);

    await runCommand('Luma: Show Generations');
    await page.locator('.pane-header', { hasText: 'Luma Generations' }).waitFor();
    await page.getByText('everything drifts gently to the left').first().waitFor();
    await page.screenshot({ path: path.join(docsImages, 'generations.png') });
  });

  it('Set API Key: the key is confirmed in the status bar, and no notification pops up', async () => {
    await watchToasts();
    await runCommand('Luma: Set API Key');
    const keyBox = page.locator('.quick-input-widget input[type="password"]');
    await keyBox.waitFor({ timeout: 15_000 });
    await keyBox.fill(KEY);
    await keyBox.press('Enter');
    await page.locator('.statusbar-item', { hasText: 'Luma: API key saved.' }).waitFor({ timeout: 15_000 });
    await page.waitForTimeout(500);
    assert.deepEqual(await toastsSeen(), []);
  });

  it('a paid job survives a window reload: it resumes by itself and the video lands, paid once', async () => {
    sim.configure({ generationMs: 8000 });
    const paidBefore = sim.featureCalls;
    await page.locator('.tab', { hasText: 'Luma: cat.png' }).click();
    const prompt = form().getByLabel('Prompt', { exact: true });
    await prompt.fill('the camera slowly zooms in');
    await form().locator('#generate').click();
    await form()
      .getByText(/Generating video/)
      .waitFor({ timeout: 20_000 });
    for (let i = 0; sim.featureCalls === paidBefore; i++) {
      assert.ok(i < 100, 'the service never accepted the job');
      await page.waitForTimeout(100);
    }
    // Cancel on a paid job asks first; "Keep Waiting" keeps it going.
    await form().locator('#cancel').click();
    await form().locator('#cancel-question').waitFor();
    await page.screenshot({ path: path.join(artifacts, 'cancel-question.png') });
    await form().locator('#keep-waiting').click();
    await form().locator('#cancel').waitFor();

    await runCommand('Developer: Reload Window');
    await page
      .locator('.notifications-toasts')
      .getByText(/resuming an unfinished video \(cat\.png\)/)
      .waitFor({ timeout: 60_000 });
    await explorerRow('cat.luma-3.mp4').waitFor({ timeout: 60_000 });
    assert.equal(sim.featureCalls, paidBefore + 1, 'paid exactly once');
    assert.deepEqual(
      readFileSync(path.join(server.workspace, 'cat.luma-3.mp4')),
      readFileSync(path.join(root, 'test/simulator/sample.mp4')),
    );
    sim.configure({ generationMs: 2000 });
  });

  it("Command Palette with no image in hand: a Quick Pick of the workspace's images opens the form", async () => {
    await page.keyboard.press('Escape');
    await page
      .locator('.monaco-workbench')
      .click({ position: { x: 700, y: 5 } })
      .catch(() => undefined);
    await runCommand('Luma: Generate Video from Image');
    const quickInput = page.locator('.quick-input-widget');
    await quickInput.getByText('Browse…').waitFor();
    await quickInput.getByText('dog.webp', { exact: true }).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(artifacts, 'quick-pick.png') });
    await page.keyboard.type('dog');
    await page.keyboard.press('Enter');
    await page.locator('.tab', { hasText: 'Luma: dog.webp' }).waitFor();
  });

  it('after a window reload the form comes back with the prompt as typed', async () => {
    await page.locator('.tab', { hasText: 'Luma: dog.webp' }).click();
    const prompt = form().getByLabel('Prompt', { exact: true });
    await prompt.waitFor({ timeout: 30_000 });
    // Prompt help: a motion preset fills the prompt, which stays editable; recent prompts are offered.
    await form().locator('#presets').selectOption({ label: 'Waves' });
    assert.match(await prompt.inputValue(), /^Waves roll in/);
    assert.ok((await form().locator('#recent-prompts option').allTextContents()).some((text) => text.includes('the waves roll in slowly')));
    await page.screenshot({ path: path.join(docsImages, 'prompt-help.png') });
    await prompt.fill('the dog wags its tail');
    // The workbench's own reload: it shuts down cleanly, saving which editors were open.
    await runCommand('Developer: Reload Window');
    await page.locator('.tab', { hasText: 'Luma: dog.webp' }).waitFor({ timeout: 60_000 });
    await page.locator('.tab', { hasText: 'Luma: dog.webp' }).click();
    await form().locator('#prompt').waitFor({ timeout: 30_000 });
    assert.equal(await form().locator('#prompt').inputValue(), 'the dog wags its tail');
    assert.equal(await form().locator('#title').textContent(), 'dog.webp');
  });

  it('the image preview: right-click the picture, "Generate Video from Image…" opens its form', async () => {
    await runCommand('View: Close All Editors');
    await explorerRow('beach.jpg').dblclick();
    await page.locator('.tab', { hasText: 'beach.jpg' }).waitFor();
    const picture = page.frameLocator('iframe.webview.ready:visible').frameLocator('#active-frame').locator('img');
    await picture.waitFor({ timeout: 30_000 });
    for (let attempt = 0; ; attempt++) {
      await picture.click({ button: 'right' });
      try {
        await menuItem().waitFor({ timeout: 3000 });
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
        await page.keyboard.press('Escape');
      }
    }
    await page.screenshot({ path: path.join(artifacts, 'image-preview-menu.png') });
    await chooseMenuItem();
    await page.locator('.tab', { hasText: 'Luma: beach.jpg' }).waitFor();
  });
});
