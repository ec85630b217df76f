// Accessibility of the form in a real workbench (code-server) in real Chromium: an axe-core audit
// of the form's document in each layout and state, the finished video's name and reduced motion,
// and the checkboxes and focus ring in the high-contrast and light themes, with screenshots.
// Functions given to evaluate() run in the form's document:
/* global window, document, getComputedStyle, matchMedia */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AuditLog, runAxe } from './axe.mjs';
import {
  artifacts,
  chooseMenuItem,
  contextMenuOffersItem,
  docsImages,
  enterKeyIfAsked,
  explorerRow,
  formDocument,
  formFrame,
  openFormFromPalette,
  runCommand,
  screenshotIfFailed,
  selectInExplorer,
  startWorkbench,
  waitUntil,
} from './workbench.mjs';

const KEY = 'ui-a11y-key-5';

describe('UI: accessibility of the form', function () {
  let sim, server, page, workbench;
  const log = new AuditLog();

  before(async () => {
    // The theme comes from workbench.colorTheme, not from the browser's light or dark preference.
    workbench = await startWorkbench({ key: KEY, generationMs: 8000, settings: { 'window.autoDetectColorScheme': false } });
    ({ sim, server, page } = workbench);
  });

  afterEach(async function () {
    await screenshotIfFailed(page, this.currentTest);
  });

  after(async () => {
    if (log.rows.length) {
      const table = log.table();
      writeFileSync(path.join(artifacts, 'accessibility.txt'), `${table}\n`);
      console.log(`\n  axe-core violations, elements per impact level:\n${table.replace(/^/gm, '    ')}\n`);
    }
    await workbench?.stop();
  });

  const form = () => formFrame(page);
  const prompt = () => form().getByLabel('Prompt', { exact: true });
  /** Audits the visible form as `layout`; the serious and critical violations found, described. */
  const audit = async (layout) => log.audit(await formDocument(page), layout);

  it('one image, empty, with errors shown, while generating and done: no serious or critical violation; the video is named', async () => {
    await openFormFromPalette(page, 'cat.png');
    // The audit goes in through the debugger, as the page's own policy refuses a script tag.
    const frame = await formDocument(page);
    await frame.addScriptTag({ content: 'window.injectedByTag = true;' }).catch(() => undefined);
    assert.equal(await frame.evaluate(() => window.injectedByTag), undefined, "the webview's CSP refuses an injected script");

    // The audit sees the form: a picture without a text alternative, put in for a moment, is found.
    await frame.evaluate(() => document.getElementById('app').append(Object.assign(document.createElement('img'), { id: 'axe-probe' })));
    const probed = await runAxe(frame);
    await frame.evaluate(() => document.getElementById('axe-probe').remove());
    assert.ok(
      probed.some((v) => v.id === 'image-alt' && v.impact === 'critical' && v.targets.includes('#axe-probe')),
      JSON.stringify(probed),
    );

    const found = await audit('one image, empty');
    await form().locator('#generate').click();
    await form().locator('#prompt-error').waitFor();
    found.push(...(await audit('one image, errors shown')));
    await prompt().fill('the waves roll in slowly');
    await form().locator('#generate').click();
    await enterKeyIfAsked(page, KEY);
    const generating = form().getByText(/Generating video/);
    await generating.waitFor({ timeout: 20_000 });
    found.push(...(await audit('one image, generating')));
    assert.ok(await generating.isVisible(), 'still generating after the audit');
    await form().locator('#open-video').waitFor({ timeout: 60_000 });
    found.push(...(await audit('one image, done')));
    await page.screenshot({ path: path.join(artifacts, 'accessibility-done.png') });

    await form().getByLabel('Video cat.luma.mp4, made from cat.png', { exact: true }).waitFor();
    assert.deepEqual(found, [], 'serious or critical violations');
  });

  it('with reduced motion asked for, the finished video does not play by itself; its controls play it', async () => {
    const video = form().locator('#video');
    const paused = () => video.evaluate((v) => v.paused);
    await waitUntil('the video to play by itself without reduced motion', async () => !(await paused()), 15_000);

    await page.emulateMedia({ reducedMotion: 'reduce' });
    try {
      await runCommand(page, 'Developer: Reload Webviews');
      await waitUntil('the form to load again', async () => (await formDocument(page).catch(() => undefined))?.isDetached() === false);
      await video.waitFor({ timeout: 30_000 });
      const reduced = await (await formDocument(page)).evaluate(() => matchMedia('(prefers-reduced-motion: reduce)').matches);
      assert.equal(reduced, true, 'the emulation reaches the webview');
      await page.waitForTimeout(1500);
      assert.equal(await video.evaluate((v) => v.autoplay), false);
      assert.equal(await paused(), true, 'still after a moment');
      await page.screenshot({ path: path.join(artifacts, 'accessibility-reduced-motion.png') });
      // Paused, the player shows its big play button in the middle.
      await video.click();
      await waitUntil('the video to play from its controls', async () => !(await paused()), 10_000);
    } finally {
      await page.emulateMedia({ reducedMotion: null });
    }
  });

  it('the batch layout, empty, while generating and done: no serious or critical violation; each video is named', async () => {
    sim.configure({ generationMs: 3000 });
    await runCommand(page, 'View: Close All Editors');
    const batch = ['beach.jpg', 'sunset photo.PNG', 'cat.png'];
    await selectInExplorer(page, batch);
    assert.ok(await contextMenuOffersItem(page, 'cat.png', 3));
    await chooseMenuItem(page);
    await page.locator('.tab', { hasText: 'Luma: 3 images' }).waitFor();
    await prompt().waitFor({ timeout: 30_000 });
    await form().getByText('Prompt per image (optional)').click();
    const found = await audit('batch, empty');
    await prompt().fill('everything drifts gently to the left');
    await form().locator('#generate').click();
    await form()
      .getByText(/Videos: .*generating/)
      .waitFor({ timeout: 20_000 });
    found.push(...(await audit('batch, generating')));
    await form().getByText('All 3 videos are done.').waitFor({ timeout: 60_000 });
    found.push(...(await audit('batch, done')));
    await page.screenshot({ path: path.join(artifacts, 'accessibility-batch.png') });

    await form().getByLabel('Video beach.luma.mp4, made from beach.jpg', { exact: true }).waitFor();
    await form().getByLabel('Video cat.luma-2.mp4, made from cat.png', { exact: true }).waitFor();
    assert.equal(await form().locator('video[autoplay]').count(), 0, 'no card plays by itself');
    assert.deepEqual(found, [], 'serious or critical violations');
  });

  /**
   * Sets the color theme in the user settings the workbench started with, and reloads the window
   * to apply it (the file is read at start; a change to it is not always picked up in a served
   * workbench).
   */
  async function setTheme(name) {
    const file = path.join(server.userData, 'User', 'settings.json');
    const settings = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...settings, 'workbench.colorTheme': name }, null, 1));
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await runCommand(page, 'Developer: Reload Window');
    await reloaded;
    await explorerRow(page, 'cat.png').waitFor({ timeout: 60_000 });
  }

  for (const theme of [
    // workbench.colorTheme's value (newer versions call the light one "Light Modern"), and the class VS Code gives the webview.
    {
      name: 'Default High Contrast',
      themeId: /^Default High Contrast$/,
      bodyClass: 'vscode-high-contrast',
      picture: 'form-high-contrast.png',
    },
    { name: 'Default Light Modern', themeId: /^(Default )?Light Modern$/, bodyClass: 'vscode-light', picture: 'form-light.png' },
  ]) {
    it(`${theme.name}: checkboxes and the focus ring stand out (3:1), no serious or critical violation`, async () => {
      await runCommand(page, 'View: Close All Editors');
      await setTheme(theme.name);
      await openFormFromPalette(page, 'dog.webp');
      const frame = await formDocument(page);
      const { id, classes } = await frame.evaluate(() => ({ id: document.body.dataset.vscodeThemeId, classes: document.body.className }));
      assert.match(id ?? '', theme.themeId, 'the form is shown in that theme');
      assert.ok(classes.split(' ').includes(theme.bodyClass), classes);
      const advanced = form().locator('#advanced');
      if (!(await advanced.evaluate((details) => details.open))) await form().getByText('Advanced', { exact: true }).click();
      // Keyboard focus on "Enhance prompt": Tab from the prompt (past the length radios).
      await prompt().click();
      for (let i = 0; (await frame.evaluate(() => document.activeElement?.id)) !== 'enhancePrompt'; i++) {
        assert.ok(i < 5, 'Tab reaches the checkbox');
        await page.keyboard.press('Tab');
      }
      const seen = await frame.evaluate(measureContrast);
      const found = await audit(`one image, empty, ${theme.name}`);
      await page.locator('iframe.webview.ready:visible').screenshot({ path: path.join(docsImages, theme.picture) });

      assert.ok(seen.focusRing >= 3, `the focus ring against the page: ${seen.focusRing.toFixed(2)}:1`);
      assert.ok(seen.focusWidth >= 1, `the focus ring's width: ${seen.focusWidth}px`);
      assert.ok(seen.checkboxEdge >= 3, `an unchecked checkbox's edge against the page: ${seen.checkboxEdge.toFixed(2)}:1`);
      assert.ok(seen.checkMark >= 3, `a checked checkbox's mark against its box: ${seen.checkMark.toFixed(2)}:1`);
      assert.ok(seen.radioEdge >= 3, `a radio button's edge against the page: ${seen.radioEdge.toFixed(2)}:1`);
      assert.deepEqual(found, [], 'serious or critical violations');
    });
  }
});

/**
 * Runs in the form's document, with "Enhance prompt" (checked) focused by keyboard and "Loop"
 * unchecked: contrast ratios (WCAG) of the focus ring and the checkbox's edge against the page,
 * and of the check mark against its box.
 */
function measureContrast() {
  // rgb(r, g, b[, a]) with 0-255 channels, or color(srgb r g b[ / a]) with 0-1 ones (what color-mix() computes to).
  const parse = (color) => {
    const [r, g, b, a = 1] = (color.match(/[\d.]+/g) ?? ['0', '0', '0', '0']).map(Number);
    const scale = color.startsWith('color(srgb') ? 255 : 1;
    return { r: r * scale, g: g * scale, b: b * scale, a };
  };
  const over = (top, base) => {
    const { r, g, b, a } = parse(top);
    const under = parse(base);
    return { r: r * a + under.r * (1 - a), g: g * a + under.g * (1 - a), b: b * a + under.b * (1 - a) };
  };
  const luminance = ({ r, g, b }) => {
    const linear = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  };
  const page = getComputedStyle(document.body).backgroundColor;
  const ratio = (color, base) => {
    const [a, b] = [luminance(over(color, page)), luminance(over(base, page))].sort((x, y) => y - x);
    return (a + 0.05) / (b + 0.05);
  };
  const focused = getComputedStyle(document.activeElement);
  const loop = getComputedStyle(document.getElementById('loop'));
  const enhance = document.getElementById('enhancePrompt');
  const mark = getComputedStyle(enhance, '::after');
  const radio = getComputedStyle(document.querySelector('input[type="radio"]:not(:checked)'));
  return {
    focusRing: focused.outlineStyle === 'none' ? 0 : ratio(focused.outlineColor, page),
    focusWidth: parseFloat(focused.outlineWidth) || 0,
    checkboxEdge: loop.borderTopStyle === 'none' ? 0 : ratio(loop.borderTopColor, page),
    checkMark: enhance.checked && mark.content !== 'none' ? ratio(mark.borderRightColor, getComputedStyle(enhance).backgroundColor) : 0,
    radioEdge: radio.borderTopStyle === 'none' ? 0 : ratio(radio.borderTopColor, page),
  };
}
