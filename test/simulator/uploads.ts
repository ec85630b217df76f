// Uploaded images: the types the service takes, the keys it files them under, and their bytes,
// kept to serve back from storage.

export const IMAGE_TYPES: Record<string, { ext: string; matches: (b: Buffer) => boolean }> = {
  'image/png': {
    ext: 'png',
    matches: (b) => b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  'image/jpeg': { ext: 'jpg', matches: (b) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  'image/webp': {
    ext: 'webp',
    matches: (b) => b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP',
  },
};

function timestampKey(date: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const day = `${date.getUTCFullYear()}_${p(date.getUTCMonth() + 1)}_${p(date.getUTCDate())}`;
  return `${day}_${p(date.getUTCHours())}_${p(date.getUTCMinutes())}_${p(date.getUTCSeconds())}_${p(date.getUTCMilliseconds(), 3)}`;
}

interface Upload {
  /** Dropped (undefined) once newer uploads pass the storage budget; the key stays valid. */
  data: Buffer | undefined;
  mimetype: string;
  size: number;
}

/** An upload as a test sees it. */
export interface ReceivedUpload extends Upload {
  key: string;
}

/**
 * Bytes of uploaded images kept to serve back from storage. The real service keeps them in S3;
 * keeping every one in this process's memory made each upload slower than the last (a long
 * benchmark holds hundreds of megabytes), so the oldest images' bytes go first.
 */
const STORED_UPLOAD_BUDGET = 64 * 1024 * 1024;

export class Uploads {
  private readonly byKey = new Map<string, Upload>();
  /** The uploads whose bytes are still kept, oldest first, and their total size. */
  private readonly kept: Upload[] = [];
  private keptBytes = 0;

  list(): ReceivedUpload[] {
    return [...this.byKey].map(([key, upload]) => ({ key, mimetype: upload.mimetype, size: upload.size, data: upload.data }));
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  get(key: string): Upload | undefined {
    return this.byKey.get(key);
  }

  /** A key not taken yet for `safeName` uploaded at `date`, as the service names them. */
  newKey(safeName: string, date: Date): string {
    const stamp = timestampKey(date);
    let key = `images/${stamp}_${safeName}`;
    for (let n = 1; this.byKey.has(key); n++) key = `images/${stamp}_${n}_${safeName}`;
    return key;
  }

  /** Files `data` under `key`; with `keep` false only the key is remembered, not the bytes. */
  store(key: string, data: Buffer, mimetype: string, keep: boolean): void {
    const upload: Upload = { data: keep ? data : undefined, mimetype, size: data.length };
    this.byKey.set(key, upload);
    if (!upload.data) return;
    this.kept.push(upload);
    this.keptBytes += data.length;
    // Oldest first; the newest is always kept.
    while (this.keptBytes > STORED_UPLOAD_BUDGET && this.kept.length > 1) {
      const oldest = this.kept.shift()!;
      this.keptBytes -= oldest.data!.length;
      oldest.data = undefined;
    }
  }
}
