import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalFolderOutput } from '../../src/files/localOutput';
import { imageStem, videoFileName } from '../../src/files/naming';

describe('video naming', () => {
  it('names the video after the image stem, then -2, -3…', () => {
    assert.equal(imageStem('cat.png'), 'cat');
    assert.equal(imageStem('photo.final.JPG'), 'photo.final');
    assert.equal(imageStem('.hidden'), '.hidden');
    assert.equal(videoFileName('cat.png', 1), 'cat.luma.mp4');
    assert.equal(videoFileName('cat.png', 2), 'cat.luma-2.mp4');
    assert.equal(videoFileName('sunset photo.PNG', 3), 'sunset photo.luma-3.mp4');
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
      assert.deepEqual((await fs.readdir(folder)).filter((name) => name.endsWith('.part')), [], 'no temporary file left');
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
  });
});
