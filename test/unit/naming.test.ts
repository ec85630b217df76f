import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalFolderOutput } from '../../src/files/localOutput';
import {
  cutToBytes,
  imageStem,
  MAX_CANDIDATES,
  NAME_MAX_BYTES,
  nameBytes,
  STEM_MAX_BYTES,
  videoFileName,
  VideoNames,
  videoStem,
} from '../../src/files/naming';
import { LumaError } from '../../src/util/lumaError';

describe('video naming', () => {
  it('names the video after the image stem, then -2, -3…', () => {
    assert.equal(imageStem('cat.png'), 'cat');
    assert.equal(imageStem('photo.final.JPG'), 'photo.final');
    assert.equal(imageStem('.hidden'), '.hidden');
    assert.equal(videoFileName('cat.png', 1), 'cat.luma.mp4');
    assert.equal(videoFileName('cat.png', 2), 'cat.luma-2.mp4');
    assert.equal(videoFileName('sunset photo.PNG', 3), 'sunset photo.luma-3.mp4');
  });

  describe('names that fit any file system (255 bytes a name)', () => {
    const JOB = '0b6f2c1e-4a7d-4f4e-9d55-2f1f3c8e9a10';

    /** Every name the job can write for this image, longest cases included. */
    function allNames(imageFileName: string): string[] {
      const names = new VideoNames(imageFileName, JOB);
      return [
        names.final(1),
        names.final(MAX_CANDIDATES),
        names.download('0123abcd'),
        names.claiming('0123abcd', MAX_CANDIDATES),
        names.probe('0123abcd'),
      ];
    }

    const graphemes = (text: string) => Array.from(new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text), (s) => s.segment);
    const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

    /** The rules every stem must keep, whatever the image's name. */
    function assertFits(imageFileName: string): void {
      for (const name of allNames(imageFileName)) {
        assert.ok(nameBytes(name) <= NAME_MAX_BYTES, `${nameBytes(name)} bytes: ${name}`);
        assert.ok(!loneSurrogate.test(name), `a character cut in two: ${JSON.stringify(name)}`);
      }
      const stem = imageStem(imageFileName);
      const short = videoStem(imageFileName);
      assert.equal(videoStem(imageFileName), short, 'the same every time');
      if (short === stem) return;
      const kept = short.slice(0, short.lastIndexOf('~'));
      assert.match(short, /~[0-9a-f]{8}$/);
      const whole = graphemes(stem);
      assert.deepEqual(graphemes(kept), whole.slice(0, graphemes(kept).length), 'cut between two whole characters');
      assert.ok(nameBytes(kept) + nameBytes(whole[graphemes(kept).length]) > STEM_MAX_BYTES - 9, 'cut no shorter than needed');
    }

    it('a 244-character image name: every temporary and final name fits in 255 bytes', () => {
      const image = `${'a'.repeat(240)}.png`;
      assertFits(image);
      assert.ok(
        Buffer.byteLength(`.${imageStem(image)}.luma.mp4.${JOB}.part`) > NAME_MAX_BYTES,
        'the old temporary name would not have fit',
      );
      assert.equal(videoStem(image).length, STEM_MAX_BYTES);
      assert.match(videoFileName(image, 2), /^a{184}~[0-9a-f]{8}\.luma-2\.mp4$/);
    });

    it('counts multi-byte characters, and never cuts one in two: accents, CJK, emoji, decomposed letters', () => {
      for (const image of [
        `${'é'.repeat(200)}.jpg`, // 2 bytes each
        `${'猫'.repeat(120)}.png`, // 3 bytes each
        `${'😀'.repeat(100)}.png`, // 4 bytes, a surrogate pair in JavaScript
        `${'e\u0301'.repeat(100)}.png`, // a letter and its combining accent: one character
        `${'👨‍👩‍👧'.repeat(30)}.webp`, // one emoji of five code points joined
        `${'x'.repeat(190)}${'😀'.repeat(10)}.png`, // the cut falls inside the emoji run
        `${'é'.normalize('NFC').repeat(120)}.png`, // 240 bytes, but 360 once macOS decomposes it
      ]) {
        assertFits(image);
      }
      assert.notEqual(videoStem(`${'é'.repeat(120)}.png`), imageStem(`${'é'.repeat(120)}.png`), 'measured decomposed, as HFS+ stores it');
    });

    it('two long names that share their first 200 bytes get different stems', () => {
      const start = 'holiday photo '.repeat(15);
      assert.ok(Buffer.byteLength(start) > 200);
      const one = videoStem(`${start}beach.png`);
      const two = videoStem(`${start}mountains.png`);
      assert.notEqual(one, two);
      assert.equal(one.slice(0, -8), two.slice(0, -8), 'only the hash differs');
    });

    it('keeps short names as they are', () => {
      assert.equal(videoStem('cat.png'), 'cat');
      assert.equal(videoStem(`${'b'.repeat(STEM_MAX_BYTES)}.png`), 'b'.repeat(STEM_MAX_BYTES));
      assert.notEqual(videoStem(`${'b'.repeat(STEM_MAX_BYTES + 1)}.png`), 'b'.repeat(STEM_MAX_BYTES + 1));
      assert.equal(cutToBytes('ab😀c', 5), 'ab'); // 'ab' + 4 bytes would be 6
    });

    it('holds for thousands of random names built from mixed scripts (seeded)', () => {
      const alphabet = ['a', 'Z', ' ', '.', '-', 'é', 'ß', 'ж', '猫', '한', '😀', '🇫🇷', 'e\u0301', '👍🏽', '\u200d', 'ﷺ', 'ǅ'];
      let seed = 20240917;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      for (let run = 0; run < 2000; run++) {
        const length = Math.floor(random() * 300);
        const stem = Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
        assertFits(`${stem}.png`);
      }
    });
  });

  describe('LocalFolderOutput', () => {
    let folder: string;
    beforeEach(async () => {
      folder = await fs.mkdtemp(path.join(os.tmpdir(), 'luma-naming-'));
    });
    afterEach(async () => {
      await fs.rm(folder, { recursive: true, force: true });
    });

    async function writeVideo(output: LocalFolderOutput, content: string): Promise<string> {
      await output.prepare();
      const temp = await output.tempPath();
      await fs.writeFile(temp, content);
      return output.commit(temp);
    }

    it('never overwrites: an existing video keeps its bytes and the new one takes the next name', async () => {
      await fs.writeFile(path.join(folder, 'cat.luma.mp4'), 'older video');
      const output = new LocalFolderOutput(folder, 'cat.png');
      assert.equal(await writeVideo(output, 'new video'), 'cat.luma-2.mp4');
      assert.equal(await fs.readFile(path.join(folder, 'cat.luma.mp4'), 'utf8'), 'older video');
      assert.equal(await fs.readFile(path.join(folder, 'cat.luma-2.mp4'), 'utf8'), 'new video');
    });

    it('gives each of several jobs racing for the same name a name of its own', async () => {
      const output = new LocalFolderOutput(folder, 'cat.png');
      const names = await Promise.all(Array.from({ length: 8 }, (_, i) => writeVideo(output, `video ${i}`)));
      assert.equal(new Set(names).size, 8);
      const contents = await Promise.all(names.map((name) => fs.readFile(path.join(folder, name), 'utf8')));
      assert.deepEqual(contents.sort(), Array.from({ length: 8 }, (_, i) => `video ${i}`).sort());
      assert.deepEqual(
        (await fs.readdir(folder)).filter((name) => name.endsWith('.part')),
        [],
        'no temporary file left',
      );
    });

    it('creates a missing output folder, and leaves nothing behind when discarded', async () => {
      const nested = path.join(folder, 'videos', 'out');
      const output = new LocalFolderOutput(nested, 'cat.png');
      await output.prepare();
      const temp = await output.tempPath();
      await fs.writeFile(temp, 'partial');
      await output.discard(temp);
      assert.deepEqual(await fs.readdir(nested), []);
    });

    it('saves the video of a 244-character (or 250-byte multi-byte) image name, shortened the same way each time', async () => {
      for (const image of [`${'a'.repeat(240)}.png`, `${'é'.repeat(125)}.jpg`, `${'😀'.repeat(62)}.png`]) {
        const first = await writeVideo(new LocalFolderOutput(folder, image, 'job-1'), 'first');
        const second = await writeVideo(new LocalFolderOutput(folder, image, 'job-2'), 'second');
        assert.equal(first, videoFileName(image, 1));
        assert.equal(second, videoFileName(image, 2));
        assert.equal(await fs.readFile(path.join(folder, second), 'utf8'), 'second');
      }
      assert.equal((await fs.readdir(folder)).length, 6);
    });

    it('a folder whose path leaves no room for the names is refused in prepare(), saying what to do', async () => {
      // Linux takes 4096 bytes a path: a folder with room for short names but not the longest.
      const image = `${'a'.repeat(240)}.png`;
      const longest = new VideoNames(image, 'job').longestBytes;
      let deep = folder;
      while (Buffer.byteLength(deep) + 1 + longest < 4096)
        deep = path.join(deep, 'd'.repeat(Math.min(200, 4096 - longest - Buffer.byteLength(deep) - 1)));
      const error = await new LocalFolderOutput(deep, image, 'job').prepare().then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof LumaError, `expected a refusal, got ${error}`);
      assert.equal(error.kind, 'disk');
      assert.ok(
        error.message.includes(
          `the video's file names would be too long there (up to ${longest} bytes, ` +
            `in a folder whose path is ${Buffer.byteLength(deep)} bytes).`,
        ),
        error.message,
      );
      assert.match(
        error.message,
        /\. Rename the image to a shorter name, or choose a folder with a shorter path with the "lumaVideo.outputFolder" setting\./,
      );
      assert.deepEqual(await fs.readdir(deep), [], 'the write check left nothing');
      await new LocalFolderOutput(deep, 'cat.png', 'job').prepare(); // a short name fits there
    });
  });
});
