/* global OffscreenCanvas */ // in the workbench page, where page.evaluate runs it
// Pictures for the conversion tests and benchmark: written by the test support in plain Node
// (PNG, GIF, BMP), or encoded as JPEG by Chromium in the workbench's page (Node has no encoder),
// optionally with an EXIF orientation, as a phone writes one.
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
export const { pngBytes, gifBytes, bmpBytes, imageSize } = createRequire(import.meta.url)(
  path.join(root, 'out/test/support/imageFiles.js'),
);

/**
 * A photo-like JPEG of `width` × `height` encoded by the page's Chromium: gradients under fine
 * noise, so it compresses like a camera's picture (about 9 MB for 6000 × 4000 at quality 0.92).
 */
export async function browserJpeg(page, width, height, quality = 0.92) {
  const base64 = await page.evaluate(
    async ({ width, height, quality }) => {
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext('2d');
      const gradient = context.createLinearGradient(0, 0, width, height);
      gradient.addColorStop(0, '#3a7bd5');
      gradient.addColorStop(0.5, '#f0c27b');
      gradient.addColorStop(1, '#4b1248');
      context.fillStyle = gradient;
      context.fillRect(0, 0, width, height);
      // The top-left corner red, so a test can tell which way up a copy is.
      context.fillStyle = '#ff0000';
      context.fillRect(0, 0, Math.round(width / 8), Math.round(height / 8));
      const pixels = context.getImageData(0, 0, width, height);
      let seed = 12345;
      for (let i = 0; i < pixels.data.length; i += 4) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        const noise = (seed >>> 24) % 48;
        pixels.data[i] = Math.min(255, pixels.data[i] + noise);
        pixels.data[i + 1] = Math.min(255, pixels.data[i + 1] + noise);
        pixels.data[i + 2] = Math.min(255, pixels.data[i + 2] + noise);
      }
      context.putImageData(pixels, 0, 0);
      const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let text = '';
      for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(text);
    },
    { width, height, quality },
  );
  return Buffer.from(base64, 'base64');
}

/** `jpeg` with an EXIF segment saying how to turn it upright (6: rotate 90° clockwise), right after its start. */
export function withExifOrientation(jpeg, orientation) {
  const tiff = Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0]);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(body.length + 2);
  return Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xe1]), length, body, jpeg.subarray(2)]);
}
