import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkImage } from '../../src/files/imageCheck';

const fixtures = path.resolve(__dirname, '../../../test/fixtures/workspace');
const read = (name: string) => new Uint8Array(readFileSync(path.join(fixtures, name)));

describe('image check (before anything is sent)', () => {
  it('knows PNG, JPEG and WebP by their bytes', () => {
    assert.equal(checkImage(read('cat.png'), 'cat.png'), 'image/png');
    assert.equal(checkImage(read('beach.jpg'), 'beach.jpg'), 'image/jpeg');
    assert.equal(checkImage(read('photos/dog.webp'), 'dog.webp'), 'image/webp');
  });

  it('refuses a renamed text file, an empty file, a GIF and an oversized image with a clear message', () => {
    assert.throws(() => checkImage(read('fake.png'), 'fake.png'), /fake\.png is not an image/);
    assert.throws(() => checkImage(new Uint8Array(), 'empty.png'), /empty\.png is empty/);
    assert.throws(
      () => checkImage(new TextEncoder().encode('GIF89a....'), 'anim.png'),
      /GIF image; 1min\.ai takes PNG, JPEG and WebP only\. Convert it/,
    );
    assert.throws(
      () => checkImage(read('cat.png'), 'cat.png', 1000),
      /cat\.png is 8\.6 KB; 1min\.ai takes images up to 1\.0 KB\. Resize or compress it/,
    );
  });
});
