// The tests' own image writers (test/support/imageFiles.ts) write files a decoder accepts, and
// imageSize reads the size back from every format the tests meet.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { inflateSync } from 'node:zlib';
import { bmpBytes, crc32, gifBytes, imageSize, pngBytes } from '../support/imageFiles';
import { seeded } from '../support/seeded';

const fixtures = path.resolve(__dirname, '../../../test/fixtures');
const read = (name: string) => new Uint8Array(readFileSync(path.join(fixtures, name)));
const text = (bytes: Uint8Array, from: number, to: number) => Buffer.from(bytes.subarray(from, to)).toString('latin1');

/** Each chunk of a PNG, its CRC checked. */
function pngChunks(png: Uint8Array): { type: string; data: Uint8Array }[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: { type: string; data: Uint8Array }[] = [];
  for (let at = 8; at < png.length;) {
    const length = view.getUint32(at);
    const type = text(png, at + 4, at + 8);
    assert.equal(view.getUint32(at + 8 + length), crc32(png.subarray(at + 4, at + 8 + length)), `CRC of ${type}`);
    chunks.push({ type, data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return chunks;
}

/** The colour indices of a GIF's only frame, and its transparent index if it has one. */
function gifFrame(gif: Uint8Array): { width: number; height: number; indices: number[]; transparent?: number } {
  let at = 13 + (gif[10] & 0x80 ? 3 << ((gif[10] & 7) + 1) : 0);
  let transparent: number | undefined;
  const subBlocks = () => {
    const parts: number[] = [];
    while (gif[at] !== 0) {
      parts.push(...gif.subarray(at + 1, at + 1 + gif[at]));
      at += 1 + gif[at];
    }
    at++;
    return Uint8Array.from(parts);
  };
  for (;;) {
    if (gif[at] === 0x21) {
      const label = gif[at + 1];
      at += 2;
      const data = subBlocks();
      if (label === 0xf9 && data[0] & 1) transparent = data[3];
    } else {
      assert.equal(gif[at], 0x2c, 'an image descriptor');
      const width = gif[at + 5] | (gif[at + 6] << 8);
      const height = gif[at + 7] | (gif[at + 8] << 8);
      assert.equal(gif[at + 9] & 0x80, 0, 'no local colour table');
      const minimum = gif[at + 10];
      at += 11;
      const indices = lzwDecode(subBlocks(), minimum);
      assert.equal(gif[at], 0x3b, 'the trailer follows the only frame');
      return { width, height, indices, transparent };
    }
  }
}

// A plain GIF LZW decoder: variable code size up to 12 bits, as any browser reads it.
function lzwDecode(data: Uint8Array, minimum: number): number[] {
  const clear = 1 << minimum;
  let table: number[][] = [];
  let size = 0;
  let previous: number[] | undefined;
  const reset = () => {
    table = Array.from({ length: clear + 2 }, (_, i) => [i]);
    size = minimum + 1;
    previous = undefined;
  };
  reset();
  const out: number[] = [];
  for (let bit = 0; bit + size <= data.length * 8;) {
    let code = 0;
    for (let i = 0; i < size; i++, bit++) code |= ((data[bit >> 3] >> (bit & 7)) & 1) << i;
    if (code === clear) {
      reset();
      continue;
    }
    if (code === clear + 1) return out;
    const entry = code < table.length ? table[code] : previous && [...previous, previous[0]];
    assert.ok(entry, `code ${code} is in the table`);
    out.push(...entry);
    if (previous) table.push([...previous, entry[0]]);
    previous = entry;
    if (table.length === 1 << size && size < 12) size++;
  }
  assert.fail('no end-of-information code');
}

describe('image files for tests', () => {
  it('pngBytes: an RGB gradient with a valid IHDR, filtered scanlines and IEND, every CRC right', () => {
    assert.equal(crc32(new TextEncoder().encode('123456789')).toString(16), 'cbf43926');
    const png = pngBytes(33, 17);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.deepEqual(imageSize(png), { width: 33, height: 17 });
    const chunks = pngChunks(png);
    assert.deepEqual(
      chunks.map((chunk) => chunk.type),
      ['IHDR', 'IDAT', 'IEND'],
    );
    assert.deepEqual([...chunks[0].data.subarray(8)], [8, 2, 0, 0, 0]);
    const raw = inflateSync(chunks[1].data);
    assert.equal(raw.length, 17 * (1 + 33 * 3));
    for (let y = 0; y < 17; y++) assert.equal(raw[y * 100], 0, 'filter type None');
    assert.deepEqual([...raw.subarray(1, 4)], [0, 0, 255], 'top left: blue');
    assert.deepEqual([...raw.subarray(16 * 100 + 97, 16 * 100 + 100)], [255, 255, 0], 'bottom right: yellow');
  });

  it('pngBytes with alpha: RGBA, transparent in one corner and partly transparent elsewhere', () => {
    const png = pngBytes(40, 30, { alpha: true });
    const [header, data] = pngChunks(png);
    assert.equal(header.data[9], 6);
    const raw = inflateSync(data.data);
    assert.equal(raw.length, 30 * (1 + 40 * 4));
    const alphas = new Set<number>();
    for (let y = 0; y < 30; y++) for (let x = 0; x < 40; x++) alphas.add(raw[y * 161 + 1 + x * 4 + 3]);
    assert.ok(alphas.has(0) && alphas.has(255), 'fully transparent and opaque pixels');
    assert.ok(
      [...alphas].some((alpha) => alpha > 0 && alpha < 255),
      'partly transparent pixels',
    );
  });

  it('pngBytes with noise: about 12 MB at 2000×2000, the same for the same seed', () => {
    const big = pngBytes(2000, 2000, { noise: true });
    assert.ok(big.length > 12_000_000 && big.length < 12_100_000, `${big.length} bytes`);
    assert.deepEqual(imageSize(big), { width: 2000, height: 2000 });
    assert.deepEqual(pngBytes(50, 50, { noise: true, seed: 7 }), pngBytes(50, 50, { noise: true, seed: 7 }));
    assert.notDeepEqual(pngBytes(50, 50, { noise: true, seed: 7 }), pngBytes(50, 50, { noise: true, seed: 8 }));
  });

  it('gifBytes: GIF89a bands whose LZW data decodes to every pixel', () => {
    const gif = gifBytes(37, 23);
    assert.equal(text(gif, 0, 6), 'GIF89a');
    assert.deepEqual(imageSize(gif), { width: 37, height: 23 });
    const frame = gifFrame(gif);
    assert.deepEqual([frame.width, frame.height, frame.transparent], [37, 23, undefined]);
    assert.equal(frame.indices.length, 37 * 23);
    assert.deepEqual(
      [0, 4, 8, 12, 16, 20].map((y) => frame.indices[y * 37 + 5]),
      [0, 1, 2, 3, 4, 5],
    );
    const large = gifFrame(gifBytes(320, 240));
    assert.equal(large.indices.length, 320 * 240, 'a frame of many clear codes');
  });

  it('gifBytes with transparent: a Graphics Control Extension marks the top band transparent', () => {
    const gif = gifBytes(20, 12, { transparent: true });
    assert.deepEqual(imageSize(gif), { width: 20, height: 12 });
    const frame = gifFrame(gif);
    assert.equal(frame.transparent, 0);
    assert.equal(frame.indices[0], 0);
  });

  it('bmpBytes: 24-bit, rows padded to 4 bytes, the bottom row first', () => {
    const bmp = bmpBytes(5, 3);
    const view = new DataView(bmp.buffer, bmp.byteOffset, bmp.byteLength);
    assert.equal(text(bmp, 0, 2), 'BM');
    assert.equal(view.getUint32(2, true), bmp.length);
    assert.equal(bmp.length, 54 + 16 * 3);
    assert.deepEqual([view.getUint32(14, true), view.getUint16(28, true), view.getUint32(30, true)], [40, 24, 0]);
    assert.deepEqual(imageSize(bmp), { width: 5, height: 3 });
    assert.deepEqual([...bmp.subarray(54, 57)], [128, 255, 0], 'bottom left, blue-green-red: green');
    assert.deepEqual([...bmp.subarray(54 + 32, 54 + 35)], [255, 0, 0], 'top left: blue');
  });

  it('the AVIF fixture is an AVIF file', () => {
    const avif = read('images/sample.avif');
    assert.equal(text(avif, 4, 8), 'ftyp');
    assert.equal(text(avif, 8, 12), 'avif');
    assert.ok(avif.length > 200 && avif.length < 20_000, `${avif.length} bytes`);
  });

  it('imageSize reads JPEG (baseline and progressive) and WebP (VP8, VP8L, VP8X) headers', () => {
    assert.deepEqual(imageSize(read('workspace/beach.jpg')), { width: 320, height: 240 });
    assert.deepEqual(imageSize(read('workspace/photos/dog.webp')), { width: 160, height: 120 });
    assert.deepEqual(imageSize(progressiveJpeg), { width: 320, height: 240 });
    assert.deepEqual(imageSize(webp('VP8L', [0x2f, 0x3f, 0x41, 0x1f, 0x00])), { width: 320, height: 126 });
    assert.deepEqual(imageSize(webp('VP8X', [0x10, 0, 0, 0, 0x7f, 0x07, 0, 0x37, 0x04, 0])), { width: 1920, height: 1080 });
  });

  it('imageSize: undefined for garbage, other formats and every cut-short header, and it never throws', () => {
    const random = seeded(3);
    const garbage = Uint8Array.from({ length: 64 }, () => random() * 256);
    for (const bytes of [new Uint8Array(), garbage, new TextEncoder().encode('not an image at all'), read('images/sample.avif')]) {
      assert.equal(imageSize(bytes), undefined);
    }
    const samples: [string, Uint8Array, number][] = [
      ['PNG', pngBytes(3, 2), 24],
      ['GIF', gifBytes(3, 2), 10],
      ['BMP', bmpBytes(3, 2), 26],
      ['JPEG', read('workspace/beach.jpg'), 0x114 + 9],
      ['progressive JPEG', progressiveJpeg, 30],
      ['WebP VP8', read('workspace/photos/dog.webp'), 30],
      ['WebP VP8L', webp('VP8L', [0x2f, 0x3f, 0x41, 0x1f, 0x00]), 25],
      ['WebP VP8X', webp('VP8X', [0x10, 0, 0, 0, 0x7f, 0x07, 0, 0x37, 0x04, 0]), 30],
    ];
    for (const [name, bytes, needed] of samples) {
      assert.ok(imageSize(bytes.subarray(0, needed)), `${name} with ${needed} bytes`);
      for (let length = 0; length < needed; length++)
        assert.equal(imageSize(bytes.subarray(0, length)), undefined, `${name}, ${length} bytes`);
    }
    // A marker with a length that runs off the end, and a scan before any frame header.
    assert.equal(imageSize(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0xff, 0xff, 0, 0)), undefined);
    assert.equal(imageSize(Uint8Array.of(0xff, 0xd8, 0xff, 0xda, 0, 8, 0, 0, 0, 0, 0, 0)), undefined);
  });
});

// A progressive JPEG's header as far as its frame: SOI, APP0 (JFIF), a fill byte, SOF2 for 320×240.
const progressiveJpeg = Uint8Array.of(
  ...[0xff, 0xd8],
  ...[0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 2, 0, 0, 1, 0, 1, 0, 0],
  ...[0xff, 0xff, 0xc2, 0, 17, 8, 0, 240, 1, 64, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1],
);

/** The start of a WebP file with one chunk of the given kind and bytes. */
function webp(kind: string, data: number[]): Uint8Array {
  const bytes = new Uint8Array(20 + data.length);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode('RIFF'), 0);
  view.setUint32(4, 12 + data.length, true);
  bytes.set(new TextEncoder().encode(`WEBP${kind}`), 8);
  view.setUint32(16, data.length, true);
  bytes.set(data, 20);
  return bytes;
}
