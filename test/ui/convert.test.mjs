// Pictures 1min.ai would not take as they are (issue 13), in a real workbench in Chromium: the
// form converts them in its webview, says so next to the picture, and the simulator receives a
// PNG or JPEG under the limit, of the size the form said. The files themselves never change.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bmpBytes, browserJpeg, gifBytes, imageSize, pngBytes, withExifOrientation } from './pictures.mjs';
import {
  chooseMenuItem,
  contextMenuOffersItem,
  explorerRow,
  formFrame,
  openFormFromPalette,
  runCommand,
  screenshotIfFailed,
  selectInExplorer,
  startWorkbench,
  waitUntil,
} from './workbench.mjs';

const KEY = 'ui-convert-key';
const MB = 1024 * 1024;
const sha = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('UI: pictures the service would not take are converted in the form', function () {
  let workbench, page, sim, workspace;
  const hashes = new Map();
  let listedBefore;

  before(async () => {
    workbench = await startWorkbench({ key: KEY, generationMs: 800 });
    ({ page, sim } = workbench);
    workspace = workbench.server.workspace;
    const files = {
      'anim.gif': gifBytes(320, 240, { transparent: true }),
      'huge.png': pngBytes(2000, 2000, { noise: true }),
      // Stored 3000 × 2000, to be shown turned a quarter clockwise (EXIF orientation 6), as phones write them.
      'phone.jpg': withExifOrientation(await browserJpeg(page, 3000, 2000), 6),
      'paint.bmp': bmpBytes(321, 240),
      'sky.avif': readFileSync(path.resolve(import.meta.dirname, '../fixtures/images/sample.avif')),
    };
    for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(workspace, name), bytes);
    for (const name of readdirSync(workspace))
      if (/\.(png|gif|jpe?g|bmp|avif)$/i.test(name)) hashes.set(name, sha(path.join(workspace, name)));
    listedBefore = readdirSync(workspace).sort();
    await runCommand(page, 'Luma: Set API Key');
    const keyBox = page.locator('.quick-input-widget input[type="password"]');
    await keyBox.waitFor({ timeout: 15_000 });
    await keyBox.fill(KEY);
    await keyBox.press('Enter');
  });

  afterEach(async function () {
    await screenshotIfFailed(page, this.currentTest);
  });

  after(async () => {
    // Nothing written beside the pictures but videos, and not one of them changed.
    if (workspace) {
      const added = readdirSync(workspace).filter((name) => !listedBefore.includes(name));
      assert.deepEqual(
        added.filter((name) => !name.endsWith('.mp4')),
        [],
      );
      for (const [name, hash] of hashes) assert.equal(sha(path.join(workspace, name)), hash, `${name} unchanged`);
    }
    await workbench?.stop();
  });

  const sendNote = () => formFrame(page).locator('#image-send');

  /** Types a prompt, presses Generate and waits for the video; returns what the service received. */
  async function generate(prompt, video) {
    const before = sim.uploadsReceived.length;
    await formFrame(page).getByLabel('Prompt', { exact: true }).fill(prompt);
    await formFrame(page).locator('#generate').click();
    await explorerRow(page, video).waitFor({ timeout: 60_000 });
    return sim.uploadsReceived.slice(before);
  }

  /** Generate in a batch form; once every video is there, what the service received, by upload name. */
  async function generateBatch(prompt, videos) {
    const before = sim.uploadsReceived.length;
    await formFrame(page).getByLabel('Prompt', { exact: true }).fill(prompt);
    await formFrame(page).locator('#generate').click();
    await waitUntil('every video', () => videos.every((name) => readdirSync(workspace).includes(name)), 90_000);
    // By the name each was uploaded under (the keys start with the moment each arrived).
    const name = (upload) => upload.key.replace(/^.*_/, '');
    return sim.uploadsReceived.slice(before).sort((a, b) => name(a).localeCompare(name(b)));
  }

  /** "sent as JPEG, 2000 × 2000, 5.1 MB" → { mimetype, width, height } */
  function said(text) {
    const [, format, width, height] = /sent as (PNG|JPEG|WebP), (\d+) × (\d+)/.exec(text) ?? [];
    assert.ok(format, text);
    return { mimetype: { PNG: 'image/png', JPEG: 'image/jpeg', WebP: 'image/webp' }[format], width: Number(width), height: Number(height) };
  }

  it('a GIF with transparency: offered on right-click, sent as a PNG of the same size, the form says so first', async () => {
    assert.ok(await contextMenuOffersItem(page, 'anim.gif', 8), 'the item is offered on a GIF');
    await chooseMenuItem(page);
    await page.locator('.tab', { hasText: 'Luma: anim.gif' }).waitFor();
    await sendNote()
      .getByText(/^1min\.ai does not take GIF images: sent as PNG, 320 × 240, .* Your file is not changed\.$/)
      .waitFor({ timeout: 30_000 });
    const [upload] = await generate('the flag waves', 'anim.luma.mp4');
    assert.equal(upload.mimetype, 'image/png');
    assert.match(upload.key, /_anim\.png$/);
    assert.deepEqual(imageSize(upload.data), { width: 320, height: 240 });
  });

  it('a 12 MB PNG: sent as a JPEG under the limit, of the size the form said', async () => {
    // The palette's pick of the workspace's images lists the formats the form converts too.
    await runCommand(page, 'Luma: Generate Video from Image');
    for (const name of ['anim.gif', 'paint.bmp', 'sky.avif'])
      await page.locator('.quick-input-widget').getByText(name, { exact: true }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Escape');
    assert.ok(await contextMenuOffersItem(page, 'huge.png', 3));
    await chooseMenuItem(page);
    await page.locator('.tab.active', { hasText: 'Luma: huge.png' }).waitFor();
    const note = sendNote().getByText(/MB is over the 10\.0 MB limit: sent as JPEG/);
    await note.waitFor({ timeout: 30_000 });
    const promised = said(await note.textContent());
    const [upload] = await generate('static shimmers', 'huge.luma.mp4');
    assert.equal(upload.mimetype, promised.mimetype);
    assert.ok(upload.size < 10 * MB, `${upload.size} bytes`);
    assert.deepEqual(imageSize(upload.data), { width: promised.width, height: promised.height });
    assert.equal(promised.width, promised.height, 'the shape kept');
  });

  it('a phone photo turned by EXIF: sent upright, its long side 2048 px (lumaVideo.shrinkLargeImages)', async () => {
    await openFormFromPalette(page, 'phone.jpg');
    await sendNote()
      .getByText(/^More pixels than the video can use: sent as JPEG, 1365 × 2048, /)
      .waitFor({ timeout: 30_000 });
    const [upload] = await generate('the leaves move', 'phone.luma.mp4');
    assert.equal(upload.mimetype, 'image/jpeg');
    assert.deepEqual(imageSize(upload.data), { width: 1365, height: 2048 }, 'portrait: turned as the EXIF says');
  });

  it('a batch with one picture to convert: only its card says so; each image gets its video, the PNG as it is', async () => {
    await page.keyboard.press('Escape');
    await selectInExplorer(page, ['cat.png', 'anim.gif']);
    assert.ok(await contextMenuOffersItem(page, 'anim.gif', 3));
    await chooseMenuItem(page);
    await page.locator('.tab.active', { hasText: 'Luma: 2 images' }).waitFor();
    const gifCard = formFrame(page).locator('.card', { hasText: 'anim.gif' });
    const catCard = formFrame(page).locator('.card', { hasText: 'cat.png' });
    await gifCard
      .locator('.send-note')
      .getByText(/^1min\.ai does not take GIF images: sent as PNG, 320 × 240/)
      .waitFor({ timeout: 30_000 });
    assert.equal(await catCard.locator('.send-note').isVisible(), false);
    const uploads = await generateBatch('everything sways', ['cat.luma.mp4', 'anim.luma-2.mp4']);
    assert.deepEqual(
      uploads.map((upload) => [upload.key.replace(/^.*_/, ''), upload.mimetype]),
      [
        ['anim.png', 'image/png'],
        ['cat.png', 'image/png'],
      ],
    );
    assert.deepEqual(uploads[1].data, readFileSync(path.join(workspace, 'cat.png')), 'cat.png sent as it is');
  });

  it('a BMP and an AVIF together: each sent as a JPEG of its own size', async () => {
    await page.keyboard.press('Escape');
    await selectInExplorer(page, ['paint.bmp', 'sky.avif']);
    assert.ok(await contextMenuOffersItem(page, 'sky.avif', 3), 'the item is offered on an AVIF (and a BMP in the selection)');
    await chooseMenuItem(page);
    await page.locator('.tab.active', { hasText: 'Luma: 2 images' }).waitFor();
    for (const [name, format, size] of [
      ['paint.bmp', 'BMP', '321 × 240'],
      ['sky.avif', 'AVIF', '320 × 240'],
    ])
      await formFrame(page)
        .locator('.card', { hasText: name })
        .locator('.send-note')
        .getByText(new RegExp(`^1min\\.ai does not take ${format} images: sent as JPEG, ${size}`))
        .waitFor({ timeout: 30_000 });
    const uploads = await generateBatch('clouds pass', ['paint.luma.mp4', 'sky.luma.mp4']);
    assert.deepEqual(
      uploads.map((upload) => [upload.key.replace(/^.*_/, ''), upload.mimetype, imageSize(upload.data)]),
      [
        ['paint.jpg', 'image/jpeg', { width: 321, height: 240 }],
        ['sky.jpg', 'image/jpeg', { width: 320, height: 240 }],
      ],
    );
  });
});
