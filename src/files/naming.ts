// Where a video goes and what it is called: `<image stem>.luma.mp4`, then `.luma-2.mp4`, … so that
// nothing is ever overwritten; and the hidden names a job writes on the way there. Every name fits
// in 255 bytes, the limit of nearly every file system, however long the image's name.

import { createHash, randomBytes } from 'node:crypto';

/** The longest file name (one path component) that ext4, APFS, NTFS, FAT and exFAT all take. */
export const NAME_MAX_BYTES = 255;

/** How many names (`.luma.mp4` to `.luma-1000.mp4`) are tried before giving up. */
export const MAX_CANDIDATES = 1000;

const VIDEO_SUFFIX = '.luma';
const TOKEN_MAX = 36; // a UUID
const RANDOM_LENGTH = 8;
/** Hidden names: `.<stem>.luma.<token>.<random>` then one of these tails (all at most 10 bytes). */
const DOWNLOAD_TAIL = '.part';
const PROBE_TAIL = `.test${DOWNLOAD_TAIL}`; // as long as the longest claiming tail, `.1000.part`
/** What the longest hidden name adds to the stem: `.` `.luma.` token `.` random `.1000.part`. */
const LONGEST_OVERHEAD = 1 + VIDEO_SUFFIX.length + 1 + TOKEN_MAX + 1 + RANDOM_LENGTH + PROBE_TAIL.length;
/** The longest stem kept whole; a longer one is cut and given a hash, so every name fits. */
export const STEM_MAX_BYTES = NAME_MAX_BYTES - LONGEST_OVERHEAD;
const HASH_LENGTH = 8;
const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * The size of a name as the strictest file system counts it: UTF-8 bytes (Linux), and UTF-8 bytes
 * of its decomposed form, since macOS's HFS+ stores names decomposed (é becomes e + ´) and so
 * can need more room than the name as written. UTF-16 counts (NTFS, FAT) are never larger.
 */
export function nameBytes(name: string): number {
  return Math.max(Buffer.byteLength(name, 'utf8'), Buffer.byteLength(name.normalize('NFD'), 'utf8'));
}

/** "cat.png" -> "cat"; "photo.final.JPG" -> "photo.final"; ".hidden" stays ".hidden". */
export function imageStem(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(0, dot) : fileName;
}

/**
 * The stem every name of this image's videos starts with: the image's stem, or when that is too
 * long, its first whole characters and `~` and a short hash of the whole stem, so that two long
 * names differing only near their end still get different stems. The same every time.
 */
export function videoStem(imageFileName: string): string {
  const stem = imageStem(imageFileName);
  if (nameBytes(stem) <= STEM_MAX_BYTES) return stem;
  const hash = createHash('sha256').update(stem, 'utf8').digest('hex').slice(0, HASH_LENGTH);
  return `${cutToBytes(stem, STEM_MAX_BYTES - 1 - HASH_LENGTH)}~${hash}`;
}

/**
 * The longest start of `text` within `maxBytes` that ends between two characters as a person sees
 * them (never inside a surrogate pair, nor between a letter and its accent or inside an emoji).
 */
export function cutToBytes(text: string, maxBytes: number): string {
  let kept = '';
  let used = 0;
  for (const { segment } of GRAPHEMES.segment(text)) {
    // The sum of the parts' sizes bounds the whole's, in both forms nameBytes counts.
    const size = nameBytes(segment);
    if (used + size > maxBytes) break;
    kept += segment;
    used += size;
  }
  return kept;
}

/** The n-th candidate name (1-based) for the video of `imageFileName`. */
export function videoFileName(imageFileName: string, n: number): string {
  return finalName(videoStem(imageFileName), n);
}

function finalName(stem: string, n: number): string {
  return n <= 1 ? `${stem}${VIDEO_SUFFIX}.mp4` : `${stem}${VIDEO_SUFFIX}-${n}.mp4`;
}

/**
 * The job's part of its hidden names: its id when that is a plain short id (a UUID), else a hash of
 * it, so a name never carries a path separator or runs past the budget.
 */
export function jobToken(tag: string): string {
  if (/^[A-Za-z0-9_-]{1,36}$/.test(tag)) return tag;
  return createHash('sha256').update(tag, 'utf8').digest('hex').slice(0, 16);
}

/** What a hidden name of this job says about itself. */
export interface HiddenName {
  /** The attempt (a download, a probe) that wrote it; two attempts never share one. */
  attempt: string;
  /** Set while the attempt is claiming that candidate (1-based) of the final names. */
  claiming?: number;
  probe?: boolean;
}

/**
 * Every name one job writes for one image, in one folder:
 * - `cat.luma.mp4`, `cat.luma-2.mp4`, …: the videos (and, for an instant, a job's placeholder);
 * - `.cat.luma.<token>.<attempt>.part`: a download in progress;
 * - `.cat.luma.<token>.<attempt>.<n>.part`: the same file while its job claims candidate n;
 * - `.cat.luma.<token>.<attempt>.test.part`: the write check, as long as the longest name.
 */
export class VideoNames {
  readonly stem: string;
  readonly token: string;
  private readonly hiddenPrefix: string;

  constructor(imageFileName: string, tag: string) {
    this.stem = videoStem(imageFileName);
    this.token = jobToken(tag);
    this.hiddenPrefix = `.${this.stem}${VIDEO_SUFFIX}.${this.token}.`;
  }

  final(n: number): string {
    return finalName(this.stem, n);
  }

  /** Which candidate `name` is (1 for `cat.luma.mp4`), or undefined when it is none of them. */
  candidateOf(name: string): number | undefined {
    const base = `${this.stem}${VIDEO_SUFFIX}`;
    if (!name.startsWith(base) || !name.endsWith('.mp4')) return undefined;
    const middle = name.slice(base.length, -'.mp4'.length);
    if (middle === '') return 1;
    const n = /^-([1-9]\d{0,3})$/.exec(middle);
    return n && Number(n[1]) >= 2 && Number(n[1]) <= MAX_CANDIDATES ? Number(n[1]) : undefined;
  }

  download(attempt: string): string {
    return `${this.hiddenPrefix}${attempt}${DOWNLOAD_TAIL}`;
  }

  claiming(attempt: string, n: number): string {
    return `${this.hiddenPrefix}${attempt}.${n}${DOWNLOAD_TAIL}`;
  }

  probe(attempt: string): string {
    return `${this.hiddenPrefix}${attempt}${PROBE_TAIL}`;
  }

  /** The parts of one of this job's hidden names, or undefined for any other name. */
  parseHidden(name: string): HiddenName | undefined {
    if (!name.startsWith(this.hiddenPrefix)) return undefined;
    const m = /^([0-9a-f]+)(?:\.(test|[1-9]\d{0,3}))?\.part$/.exec(name.slice(this.hiddenPrefix.length));
    if (!m) return undefined;
    if (m[2] === 'test') return { attempt: m[1], probe: true };
    return m[2] === undefined ? { attempt: m[1] } : { attempt: m[1], claiming: Number(m[2]) };
  }

  /** The longest name this job can write, in bytes; the write check uses one this long. */
  get longestBytes(): number {
    return nameBytes(this.probe('0'.repeat(RANDOM_LENGTH)));
  }
}

/** A new attempt id for hidden names: random, so two writers never share a file. */
export function newAttempt(): string {
  return randomBytes(RANDOM_LENGTH / 2).toString('hex');
}
