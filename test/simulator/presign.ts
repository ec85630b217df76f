// Presigned storage links like S3's: signed, so a link the client altered is refused, and dated.

import * as crypto from 'node:crypto';

/** Presigned links from the service are valid 7 days. */
export const PRESIGN_EXPIRES = 604800;

function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export class Presigner {
  /** Signs presigned links, so a link the client mangled is refused like S3 would. */
  private readonly signingKey = crypto.randomBytes(32);

  signature(uuid: string, date: string): string {
    return crypto.createHmac('sha256', this.signingKey).update(`${uuid}\n${date}`).digest('hex');
  }

  /** `url` (job `uuid`'s video) with a query signed as of `finishedAt`. */
  presign(url: string, uuid: string, finishedAt: number | undefined): string {
    const date = amzDate(new Date(finishedAt ?? Date.now()));
    const query = [
      'X-Amz-Algorithm=AWS4-HMAC-SHA256',
      `X-Amz-Credential=SIMULATOR%2F${date.slice(0, 8)}%2Fus-east-1%2Fs3%2Faws4_request`,
      `X-Amz-Date=${date}`,
      `X-Amz-Expires=${PRESIGN_EXPIRES}`,
      `X-Amz-Signature=${this.signature(uuid, date)}`,
      'X-Amz-SignedHeaders=host',
    ].join('&');
    return `${url}?${query}`;
  }

  /** False for a query that carries a signature this simulator did not issue for `uuid`; a link with none passes. */
  accepts(uuid: string, query: URLSearchParams): boolean {
    const signature = query.get('X-Amz-Signature');
    return signature === null || signature === this.signature(uuid, query.get('X-Amz-Date') ?? '');
  }
}
