// The first run, in a real workbench (code-server) in real Chromium with the packaged .vsix: the
// walkthrough opened from the Command Palette, its steps and buttons, and the Generations view's
// welcome content before and after the key is set.
import assert from 'node:assert/strict';
import path from 'node:path';
import { artifacts, docsImages, formFrame, runCommand, screenshotIfFailed, startWorkbench, waitUntil } from './workbench.mjs';

const KEY = 'ui-walkthrough-key-1';
const STEPS = ['Set your API key', 'Make your first video', 'Find it in the Generations view', 'Settings worth knowing'];

describe('UI: the first run — the walkthrough and the welcome content', function () {
  let workbench, page;

  before(async () => {
    // Wide enough for the walkthrough to show its pictures beside the steps.
    workbench = await startWorkbench({ key: KEY, generationMs: 2000, viewport: { width: 1800, height: 1000 } });
    page = workbench.page;
  });

  afterEach(async function () {
    await screenshotIfFailed(page, this.currentTest);
  });

  after(async () => {
    await workbench?.stop();
  });

  const welcome = () =>
    page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Luma Generations' }) }).locator('.welcome-view');
  const walkthrough = () => page.locator('.gettingStartedContainer');
  const step = (title) => walkthrough().locator('.getting-started-step', { hasText: title });
  const done = (title) => step(title).locator('[role="checkbox"][aria-checked="true"]');

  /** "Welcome: Open Walkthrough…" from the Command Palette, then this extension's walkthrough from its list. */
  async function openWalkthrough() {
    // F1 reaches the workbench only from outside a webview: click the title bar first.
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 5 } });
    await runCommand(page, 'Welcome: Open Walkthrough');
    const choice = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Get Started with Luma Image to Video' });
    await choice.waitFor({ timeout: 15_000 });
    await choice.click();
    await walkthrough().getByText('Get Started with Luma Image to Video').first().waitFor({ timeout: 15_000 });
  }

  it('with no key, the Generations view offers Set API Key, not Generate', async () => {
    await runCommand(page, 'Luma: Show Generations');
    await welcome().getByRole('button', { name: 'Set API Key' }).waitFor({ timeout: 15_000 });
    assert.equal(await welcome().getByRole('button', { name: 'Generate Video from Image…' }).count(), 0);
    await page.screenshot({ path: path.join(artifacts, 'welcome-no-key.png') });
  });

  it('"Welcome: Open Walkthrough…" offers the walkthrough; it shows its four steps with a picture', async () => {
    await openWalkthrough();
    for (const title of STEPS) await step(title).waitFor();
    assert.deepEqual(
      (await walkthrough().locator('.getting-started-step .step-title').allTextContents()).map((text) => text.trim()),
      STEPS,
    );
    // The first step is open, with its button and its picture, and not done yet.
    await step(STEPS[0]).getByRole('button', { name: 'Set API Key' }).waitFor();
    await page
      .frameLocator('iframe.webview.ready:visible')
      .frameLocator('#active-frame')
      .getByText('Luma: 1min.ai API Key')
      .waitFor({ timeout: 15_000 });
    assert.equal(await done(STEPS[0]).count(), 0, 'not done before a key is stored');
    await page.screenshot({ path: path.join(docsImages, 'walkthrough.png') });
  });

  it("the first step's Set API Key: the key is asked for, the step is done and the view's welcome offers Generate", async () => {
    await step(STEPS[0]).getByRole('button', { name: 'Set API Key' }).click();
    const keyBox = page.locator('.quick-input-widget input[type="password"]');
    await keyBox.waitFor({ timeout: 15_000 });
    await keyBox.fill(KEY);
    await keyBox.press('Enter');
    await done(STEPS[0]).waitFor({ timeout: 15_000 });
    await welcome().getByRole('button', { name: 'Generate Video from Image…' }).waitFor({ timeout: 15_000 });
    assert.equal(await welcome().getByRole('button', { name: 'Set API Key' }).count(), 0);
    await page.screenshot({ path: path.join(artifacts, 'walkthrough-key-set.png') });
  });

  it('"Try the sample picture" opens the form on the sample, showing it', async () => {
    await step(STEPS[1]).click();
    await step(STEPS[1]).getByText('Try the sample picture').click();
    await page.locator('.tab', { hasText: 'Luma: sample-lake.jpg' }).waitFor({ timeout: 15_000 });
    const picture = formFrame(page).locator('img').first();
    await picture.waitFor({ timeout: 30_000 });
    // Loaded, not a broken image: the form may read the copy in global storage.
    await waitUntil('the picture to load in the form', () => picture.evaluate((img) => img.complete && img.naturalWidth === 1024));
    await page.screenshot({ path: path.join(artifacts, 'walkthrough-sample-form.png') });
  });

  it('the last two steps focus the Generations view and open the Settings filtered to the extension', async () => {
    await openWalkthrough();
    await step(STEPS[2]).click();
    // Collapsed first, so that its opening is the button's doing.
    const header = page.locator('.pane-header', { hasText: 'Luma Generations' });
    await header.click();
    await page.locator('.pane-header:not(.expanded)', { hasText: 'Luma Generations' }).waitFor();
    await step(STEPS[2]).getByRole('button', { name: 'Show Generations' }).click();
    await page.locator('.pane-header.expanded', { hasText: 'Luma Generations' }).waitFor();
    await done(STEPS[2]).waitFor();
    await openWalkthrough();
    await step(STEPS[3]).click();
    await step(STEPS[3]).getByRole('button', { name: 'Open Settings' }).click();
    // The Settings editor (a tab, or a modal in newer workbenches), searching this extension's settings only.
    const settings = page.locator('.settings-editor');
    await settings.getByText(/^\d+ Settings? Found$/).waitFor({ timeout: 15_000 });
    assert.match(
      await settings.locator('.suggest-input-container .view-lines').first().textContent(),
      /^@ext:luma-video-tools\.luma-image-to-video$/,
    );
    const categories = await settings.locator('.setting-item-category').allTextContents();
    assert.ok(categories.length > 0 && categories.every((text) => text.trim() === 'Luma Video:'), categories.join(', '));
    await page.screenshot({ path: path.join(artifacts, 'walkthrough-settings.png') });
  });
});
