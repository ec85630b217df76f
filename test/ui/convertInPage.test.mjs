// The form's conversion (media/imagePrep.ts, convertInPage) in real Chromium, on its own page:
// the paths a workbench test does not reach (WebP when a transparent PNG is too large, smaller
// again while over the limit, a picture that turns out small enough, one that cannot be decoded).
import assert from 'node:assert/strict';
import path from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROMIUM, root } from '../../scripts/code-server.mjs';
import { imageSize, pngBytes } from './pictures.mjs';

const MB = 1024 * 1024;

describe('UI: the conversion in the browser engine', function () {
  let browser, page;

  before(async () => {
    const bundle = await build({
      entryPoints: [path.join(root, 'media/imagePrep.ts')],
      bundle: true,
      format: 'iife',
      globalName: 'lumaPrep',
      write: false,
      logLevel: 'silent',
    });
    browser = await chromium.launch(CHROMIUM);
    page = await browser.newPage();
    await page.setContent('<!doctype html><title>convert</title>');
    await page.addScriptTag({ content: bundle.outputFiles[0].text });
  });

  after(() => browser?.close());

  /** convertInPage on `bytes` in the page; the copy's type, size and bytes back, or the error's name. */
  async function convert(bytes, reason, facts, limits) {
    const result = await page.evaluate(
      async ({ base64, reason, facts, limits }) => {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        try {
          const copy = await globalThis.lumaPrep.convertInPage(bytes, reason, facts, limits);
          if (!copy) return { none: true };
          let text = '';
          for (let i = 0; i < copy.bytes.length; i += 0x8000) text += String.fromCharCode(...copy.bytes.subarray(i, i + 0x8000));
          return { mimeType: copy.mimeType, width: copy.width, height: copy.height, base64: btoa(text) };
        } catch (error) {
          return { error: String(error) };
        }
      },
      { base64: Buffer.from(bytes).toString('base64'), reason, facts, limits },
    );
    return result.base64 ? { ...result, bytes: Buffer.from(result.base64, 'base64') } : result;
  }

  it('a photo with more pixels than the video uses: a JPEG of the same shape, long side 2048', async () => {
    const copy = await convert(pngBytes(3000, 2000), 'pixels', { format: 'PNG', sendable: true }, { maxBytes: 10 * MB, shrinkLarge: true });
    assert.equal(copy.mimeType, 'image/jpeg');
    assert.deepEqual([copy.width, copy.height], [2048, 1365]);
    assert.deepEqual(imageSize(copy.bytes), { width: 2048, height: 1365 }, 'what it says is what the bytes are');
  });

  it('transparency stays: a PNG, or a WebP when that PNG would be over the limit', async () => {
    const small = await convert(
      pngBytes(300, 200, { alpha: true }),
      'format',
      { format: 'GIF', sendable: false },
      { maxBytes: 10 * MB, shrinkLarge: true },
    );
    assert.equal(small.mimeType, 'image/png');
    const noisy = pngBytes(1200, 800, { alpha: true, noise: true });
    const limit = 400 * 1024;
    const copy = await convert(noisy, 'size', { format: 'PNG', sendable: true }, { maxBytes: limit, shrinkLarge: true });
    assert.equal(copy.mimeType, 'image/webp');
    assert.ok(copy.bytes.length <= limit, `${copy.bytes.length} bytes`);
    assert.deepEqual(imageSize(copy.bytes), { width: copy.width, height: copy.height });
  });

  it('over the limit even as a JPEG: smaller again, the same shape, until it fits', async () => {
    const limit = 300 * 1024;
    const copy = await convert(
      pngBytes(2000, 1000, { noise: true }),
      'size',
      { format: 'PNG', sendable: true },
      { maxBytes: limit, shrinkLarge: true },
    );
    assert.equal(copy.mimeType, 'image/jpeg');
    assert.ok(copy.bytes.length <= limit, `${copy.bytes.length} bytes`);
    assert.ok(copy.width < 2000 && Math.abs(copy.width / copy.height - 2) < 0.01, `${copy.width} × ${copy.height}`);
  });

  it('a picture whose size only decoding tells: none made when it is small enough', async () => {
    assert.deepEqual(
      await convert(pngBytes(600, 400), 'unknown', { format: 'PNG', sendable: true }, { maxBytes: 10 * MB, shrinkLarge: true }),
      {
        none: true,
      },
    );
  });

  it('bytes that are no picture: the conversion fails (the form then says so next to it)', async () => {
    const result = await convert(
      Buffer.from('GIF89a, and then nothing of a picture'),
      'format',
      { format: 'GIF', sendable: false },
      { maxBytes: MB, shrinkLarge: true },
    );
    assert.match(result.error, /could not be decoded|InvalidStateError/);
  });
});
