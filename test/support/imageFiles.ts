// Writes small PNG, GIF and BMP files with nothing but Node, for tests that convert images, and
// reads the width and height back from the header of any image a test receives.
import { deflateSync } from 'node:zlib';
import { seeded } from './seeded';

export interface PngOptions {
  /** RGBA (colour type 6) with a fully transparent top-left quarter; RGB (colour type 2) otherwise. */
  alpha?: boolean;
  /** Seeded random colours instead of a gradient, so the file barely compresses (2000×2000 RGB ≈ 12 MB). */
  noise?: boolean;
  seed?: number;
}

export interface GifOptions {
  /** The top band is drawn in the colour the Graphics Control Extension marks as transparent. */
  transparent?: boolean;
}

export interface ImageSize {
  width: number;
  height: number;
}

function checkSize(width: number, height: number, max: number): void {
  for (const side of [width, height]) {
    if (!Number.isInteger(side) || side < 1 || side > max) throw new RangeError(`image sides are whole numbers from 1 to ${max}`);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

// The smooth picture both PNG and BMP draw: red grows to the right, green downwards, blue falls.
function gradient(x: number, y: number, width: number, height: number): [number, number, number] {
  const u = x / Math.max(width - 1, 1);
  const v = y / Math.max(height - 1, 1);
  return [Math.round(255 * u), Math.round(255 * v), Math.round(255 * (1 - (u + v) / 2))];
}

// --- PNG ---

let crcTable: Uint32Array | undefined;

/** CRC-32 (the polynomial PNG and zip use) of the given bytes. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(ascii(type), 4);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  return chunk;
}

/** A PNG of the given size: a gradient, or seeded noise; with `alpha`, transparent in part. */
export function pngBytes(width: number, height: number, options: PngOptions = {}): Uint8Array {
  checkSize(width, height, 0x7fffffff);
  const channels = options.alpha ? 4 : 3;
  const stride = 1 + width * channels;
  const raw = new Uint8Array(stride * height);
  const random = seeded(options.seed ?? 1);
  for (let y = 0; y < height; y++) {
    let at = y * stride + 1; // each row starts with filter type 0 (None), already zero
    for (let x = 0; x < width; x++) {
      const [r, g, b] = options.noise ? [random() * 256, random() * 256, random() * 256] : gradient(x, y, width, height);
      raw[at++] = r;
      raw[at++] = g;
      raw[at++] = b;
      // Alpha 0 in the top-left quarter; elsewhere partly see-through on the left, opaque on the right.
      if (options.alpha) raw[at++] = x < width / 2 && y < height / 2 ? 0 : 64 + Math.round((191 * x) / Math.max(width - 1, 1));
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bits per channel
  header[9] = options.alpha ? 6 : 2; // colour type: RGBA or RGB
  // compression, filter method and interlace all 0
  return concat([
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', new Uint8Array()),
  ]);
}

// --- GIF ---

// Six bands, top to bottom; index 0 (the top band) is the one `transparent` hides.
const BANDS = [
  [0xff, 0x00, 0xff],
  [0xe5, 0x39, 0x35],
  [0xfb, 0x8c, 0x00],
  [0xfd, 0xd8, 0x35],
  [0x43, 0xa0, 0x47],
  [0x1e, 0x88, 0xe5],
];
const CODE_BITS = 9; // 256-colour table: LZW starts at 8 + 1 bits
const CLEAR = 256;
const END = 257;
// Every code after a clear adds an entry to the decoder's table (from 258 up); clearing after 250
// literals stops it at 506, short of 512, where the codes would widen to 10 bits.
const LITERALS_PER_CLEAR = 250;

// LZW without any compression: every pixel is a literal code, all codes 9 bits wide.
function lzw(indices: Uint8Array): Uint8Array {
  const out: number[] = [];
  let bits = 0;
  let count = 0;
  const put = (code: number) => {
    bits |= code << count;
    count += CODE_BITS;
    while (count >= 8) {
      out.push(bits & 0xff);
      bits >>>= 8;
      count -= 8;
    }
  };
  for (let i = 0; i < indices.length; i++) {
    if (i % LITERALS_PER_CLEAR === 0) put(CLEAR);
    put(indices[i]);
  }
  put(END);
  if (count > 0) out.push(bits & 0xff);
  // Data sub-blocks of up to 255 bytes, then an empty one.
  const blocks: number[] = [];
  for (let at = 0; at < out.length; at += 255) {
    const block = out.slice(at, at + 255);
    blocks.push(block.length, ...block);
  }
  blocks.push(0);
  return Uint8Array.from(blocks);
}

/** A single-frame GIF89a of coloured bands; with `transparent`, its top band is transparent. */
export function gifBytes(width: number, height: number, options: GifOptions = {}): Uint8Array {
  checkSize(width, height, 0xffff);
  const screen = new Uint8Array(7);
  const view = new DataView(screen.buffer);
  view.setUint16(0, width, true);
  view.setUint16(2, height, true);
  screen[4] = 0xf7; // global colour table, 8-bit colour resolution, 2^(7+1) = 256 entries
  const table = new Uint8Array(256 * 3);
  BANDS.forEach((colour, i) => table.set(colour, i * 3));
  // Graphics Control Extension: no disposal, no delay, transparent colour index 0.
  const control = options.transparent ? Uint8Array.of(0x21, 0xf9, 0x04, 0x01, 0, 0, 0, 0) : new Uint8Array();
  const descriptor = new Uint8Array(10);
  const place = new DataView(descriptor.buffer);
  descriptor[0] = 0x2c;
  place.setUint16(5, width, true);
  place.setUint16(7, height, true);
  const indices = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) indices.fill(Math.floor((y * BANDS.length) / height), y * width, (y + 1) * width);
  return concat([ascii('GIF89a'), screen, table, control, descriptor, Uint8Array.of(8), lzw(indices), Uint8Array.of(0x3b)]);
}

// --- BMP ---

/** A 24-bit uncompressed BMP (BITMAPINFOHEADER, bottom-up) of the same gradient as pngBytes. */
export function bmpBytes(width: number, height: number): Uint8Array {
  checkSize(width, height, 0xffff);
  const stride = Math.ceil((width * 3) / 4) * 4;
  const offset = 14 + 40;
  const bytes = new Uint8Array(offset + stride * height);
  const view = new DataView(bytes.buffer);
  bytes.set(ascii('BM'));
  view.setUint32(2, bytes.length, true);
  view.setUint32(10, offset, true);
  view.setUint32(14, 40, true); // BITMAPINFOHEADER
  view.setInt32(18, width, true);
  view.setInt32(22, height, true); // positive: the bottom row comes first
  view.setUint16(26, 1, true); // planes
  view.setUint16(28, 24, true); // bits per pixel
  view.setUint32(34, stride * height, true); // compression (30) stays 0: none
  view.setInt32(38, 2835, true); // 72 dpi
  view.setInt32(42, 2835, true);
  for (let y = 0; y < height; y++) {
    let at = offset + (height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const [r, g, b] = gradient(x, y, width, height);
      bytes[at++] = b;
      bytes[at++] = g;
      bytes[at++] = r;
    }
  }
  return bytes;
}

// --- Reading the size back ---

const startsWith = (bytes: Uint8Array, at: number, text: string) =>
  bytes.length >= at + text.length && [...text].every((c, i) => bytes[at + i] === c.charCodeAt(0));

const sized = (width: number, height: number): ImageSize | undefined => (width > 0 && height > 0 ? { width, height } : undefined);

function jpegSize(bytes: Uint8Array, view: DataView): ImageSize | undefined {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // the end, or the scan, before any frame header
    const length = view.getUint16(at + 2);
    if (length < 2) return undefined;
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC): precision, height, width.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (length < 7 || at + 9 > bytes.length) return undefined;
      return sized(view.getUint16(at + 7), view.getUint16(at + 5));
    }
    at += 2 + length;
  }
  return undefined;
}

function webpSize(bytes: Uint8Array, view: DataView): ImageSize | undefined {
  if (startsWith(bytes, 12, 'VP8 ') && bytes.length >= 30) {
    if (bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a) return undefined;
    return sized(view.getUint16(26, true) & 0x3fff, view.getUint16(28, true) & 0x3fff);
  }
  if (startsWith(bytes, 12, 'VP8L') && bytes.length >= 25) {
    if (bytes[20] !== 0x2f) return undefined;
    const bits = view.getUint32(21, true);
    return sized((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (startsWith(bytes, 12, 'VP8X') && bytes.length >= 30) {
    const read24 = (at: number) => bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16);
    return sized(read24(24) + 1, read24(27) + 1);
  }
  return undefined;
}

/** Width and height from a PNG, JPEG, GIF, BMP or WebP header; undefined for anything else or a cut-short header. */
export function imageSize(bytes: Uint8Array): ImageSize | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (startsWith(bytes, 0, '\x89PNG\r\n\x1a\n')) {
    return startsWith(bytes, 12, 'IHDR') && bytes.length >= 24 ? sized(view.getUint32(16), view.getUint32(20)) : undefined;
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return jpegSize(bytes, view);
  if (startsWith(bytes, 0, 'GIF87a') || startsWith(bytes, 0, 'GIF89a')) {
    return bytes.length >= 10 ? sized(view.getUint16(6, true), view.getUint16(8, true)) : undefined;
  }
  if (startsWith(bytes, 0, 'BM') && bytes.length >= 18) {
    const header = view.getUint32(14, true);
    if (header === 12 && bytes.length >= 22) return sized(view.getUint16(18, true), view.getUint16(20, true)); // BITMAPCOREHEADER
    if (header >= 40 && bytes.length >= 26) return sized(view.getInt32(18, true), Math.abs(view.getInt32(22, true))); // top-down if < 0
    return undefined;
  }
  if (startsWith(bytes, 0, 'RIFF') && startsWith(bytes, 8, 'WEBP')) return webpSize(bytes, view);
  return undefined;
}
