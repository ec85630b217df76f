// `npm run images`: makes the committed pictures with the Chromium the UI tests use (nothing else to
// install):
// - media/icon.png, the 256×256 extension icon (shipped), rasterized from media/icon.svg;
// - docs/images/<name>.webp, the README's pictures, from the full-size screenshots
//   docs/images/<name>.png that `UPDATE_SCREENSHOTS=1 npm run test:ui` writes (not committed),
//   scaled to WIDTH pixels and compressed to about 20–40 KB each.
// Run it after changing the icon or refreshing the screenshots, and commit what it writes.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, root } from './code-server.mjs';

const WIDTH = 960;
const QUALITY = 0.72;
const ICON = 256;
const shots = path.join(root, 'docs/images');

const browser = await chromium.launch(CHROMIUM);
try {
  const page = await browser.newPage();
  await page.setContent('<canvas></canvas>');

  const svg = readFileSync(path.join(root, 'media/icon.svg'), 'utf8');
  const icon = await encode(page, `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`, ICON, 'image/png');
  write(path.join(root, 'media/icon.png'), icon);

  const pngs = existsSync(shots) ? readdirSync(shots).filter((name) => name.endsWith('.png')) : [];
  if (pngs.length === 0) console.log('images: no screenshots in docs/images (UPDATE_SCREENSHOTS=1 npm run test:ui writes them)');
  for (const name of pngs) {
    const source = `data:image/png;base64,${readFileSync(path.join(shots, name)).toString('base64')}`;
    write(path.join(shots, name.replace(/\.png$/, '.webp')), await encode(page, source, WIDTH, 'image/webp', QUALITY));
  }
} finally {
  await browser.close();
}

/* global document, Image -- the function given to page.evaluate runs in the page */

/** Draws the image at `width` pixels wide (height in proportion) and returns the encoded bytes. */
async function encode(page, source, width, type, quality) {
  const dataUrl = await page.evaluate(
    async ({ source, width, type, quality }) => {
      const image = new Image();
      image.src = source;
      await image.decode();
      const canvas = document.querySelector('canvas');
      canvas.width = width;
      canvas.height = Math.round((image.naturalHeight * width) / image.naturalWidth);
      const context = canvas.getContext('2d');
      context.imageSmoothingQuality = 'high';
      context.clearRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      return canvas.toDataURL(type, quality);
    },
    { source, width, type, quality },
  );
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
}

function write(file, bytes) {
  writeFileSync(file, bytes);
  console.log(`images: ${path.relative(root, file)} (${Math.round(statSync(file).size / 1024)} KB)`);
}
