// Saving a video so that a crash at any step leaves a complete video or nothing that outlives the
// next start; here in one process, each crash simulated by stopping every file operation after a
// given step (the child-process test kills a real process).
import * as assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalFolderOutput, NodeFolderOps } from '../../src/files/localOutput';
import { VideoNames } from '../../src/files/naming';
import type { FolderOps } from '../../src/files/videoSave';
import { runGeneration } from '../../src/jobs/generation';
import { OneMinClient } from '../../src/onemin/client';
import { LumaError } from '../../src/util/lumaError';
import type { GenerationOptions } from '../../src/shared/options';
import { stepped } from '../harness/steppedOps';
import { checkAfterCrash, checkAfterRecover, checkEnd, IMAGE, JOB, seedForeign } from '../harness/saveWorld';
import { Simulator } from '../simulator/simulator';
import { generationOptions } from '../support/fixtures';

const video = Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypisom'), Buffer.alloc(3000, 7)]);

describe('saving a video without hard links, safe at every step', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'luma-save-'));
  });
  afterEach(async () => {
    await fs.rm(folder, { recursive: true, force: true });
  });

  /**
   * One start of the job, as the job machine runs it: recover what the last start left (from the
   * journal), else prepare, download, and commit, journaling the claimed name. With `crashAfter`,
   * every file operation from that step on fails, as if the process had died there.
   */
  async function start(
    journal: string[],
    crashAfter = Infinity,
  ): Promise<{ saved?: string; recovered?: string; steps: string[]; crashed: boolean }> {
    let dead = false;
    const stepper = stepped(
      new NodeFolderOps(folder),
      (step, what) => {
        if (step !== crashAfter) return;
        dead = true;
        throw new Error(`crashed after step ${step}, ${what}`);
      },
      () => {
        if (dead) throw new Error('already dead');
      },
    );
    const output = new LocalFolderOutput(folder, IMAGE, JOB, stepper.ops);
    try {
      const recovered = await output.recover(journal.at(-1));
      if (recovered) return { recovered, saved: recovered, steps: stepper.steps, crashed: false };
      await output.prepare();
      const temp = await output.tempPath();
      await fs.writeFile(temp, video); // the download
      const saved = await output.commit(
        temp,
        stepper.journal((name) => void journal.push(name)),
      );
      return { saved, steps: stepper.steps, crashed: false };
    } catch (error) {
      // However the code under test passed the failure on, a crash ended this start there.
      if (dead) return { steps: stepper.steps, crashed: true };
      throw error;
    }
  }

  it('a crash after any step, and then after any step of the next start, ends with exactly one video and nothing else', async () => {
    const fresh = async () => {
      await fs.rm(folder, { recursive: true, force: true });
      await fs.mkdir(folder);
      return seedForeign(folder);
    };
    await fresh();
    const steps = (await start([])).steps;
    const kinds = steps.map((step) => step.replace(/\(.*/, ''));
    const saving = kinds.indexOf('makeFolder');
    assert.deepEqual(
      kinds.slice(saving),
      ['makeFolder', 'createExclusive', 'remove', 'flush', 'list', 'rename', 'createExclusive', 'journal', 'size', 'read', 'rename'],
      'the steps the crash points are chosen from',
    );
    assert.deepEqual(
      kinds.slice(0, saving).sort(),
      ['list', 'read', 'size', 'size', 'size'],
      'recovery looked at the seeded names and changed nothing',
    );
    let scenarios = 0;
    for (let first = 1; first <= steps.length; first++) {
      for (let second = 0; ; second++) {
        const foreign = await fresh();
        const journal: string[] = [];
        const when = `crash after step ${first} (${steps[first - 1]})${second ? `, then after step ${second} of the next start` : ''}`;
        assert.ok((await start(journal, first)).crashed, when);
        await checkAfterCrash(folder, foreign, video, when);
        // The next start may itself crash, in its recovery or in its save.
        if (second > 0 && !(await start(journal, second)).crashed) break; // past its last step
        if (second > 0) await checkAfterCrash(folder, foreign, video, when);
        const output = new LocalFolderOutput(folder, IMAGE, JOB);
        const recovered = await output.recover(journal.at(-1));
        await checkAfterRecover(folder, foreign, video, recovered, when);
        const { saved } = await start(journal);
        assert.ok(saved);
        if (recovered) assert.equal(saved, recovered, `${when}: a video already placed is not saved again`);
        await checkEnd(folder, foreign, video, saved, when);
        scenarios++;
      }
    }
    assert.ok(scenarios > 150, `${scenarios} scenarios`);
    console.log(`      (${scenarios} crash scenarios)`);
  });

  it('tells the job the claimed name while a placeholder holds it, then puts the whole video there in one step', async () => {
    const output = new LocalFolderOutput(folder, IMAGE, JOB);
    await output.prepare();
    const temp = await output.tempPath();
    await fs.writeFile(temp, video);
    let seen = '';
    const saved = await output.commit(temp, async (name) => {
      seen = (await fs.readFile(path.join(folder, name), 'utf8')).split('\n')[0];
      assert.ok(
        await fs.stat(temp).then(
          () => false,
          () => true,
        ),
        'the download was renamed to say which name it claims',
      );
    });
    assert.equal(saved, 'cat.luma.mp4');
    assert.match(seen, new RegExp(`^LUMA-VIDEO-PLACEHOLDER job ${JOB} attempt [0-9a-f]{8}$`));
    assert.deepEqual(await fs.readdir(folder), ['cat.luma.mp4']);
    assert.ok((await fs.readFile(path.join(folder, saved))).equals(video));
  });

  it('never uses hard links: a drive without them (FAT, exFAT) saves the same way', async () => {
    const original = fs.link;
    let links = 0;
    fs.link = async () => {
      links++;
      throw Object.assign(new Error('operation not permitted'), { code: 'EPERM' });
    };
    try {
      await fs.writeFile(path.join(folder, 'cat.luma.mp4'), 'an older video');
      const output = new LocalFolderOutput(folder, IMAGE, JOB);
      await output.prepare();
      const temp = await output.tempPath();
      await fs.writeFile(temp, video);
      assert.equal(await output.commit(temp), 'cat.luma-2.mp4');
    } finally {
      fs.link = original;
    }
    assert.equal(links, 0);
    assert.deepEqual((await fs.readdir(folder)).sort(), ['cat.luma-2.mp4', 'cat.luma.mp4']);
  });

  it('two attempts of one job never share a temporary file', async () => {
    const output = new LocalFolderOutput(folder, IMAGE, JOB);
    const [one, two] = [await output.tempPath(), await output.tempPath()];
    assert.notEqual(one, two);
    for (const temp of [one, two])
      assert.ok(new VideoNames(IMAGE, JOB).parseHidden(path.basename(temp)), 'tagged with the job, so its leftovers are found');
  });

  it("recover: the video already placed before a crash is the job's, and is not saved again as -2", async () => {
    const journal: string[] = [];
    const output = new LocalFolderOutput(folder, IMAGE, JOB);
    await output.prepare();
    const temp = await output.tempPath();
    await fs.writeFile(temp, video);
    await output.commit(temp, async (name) => void journal.push(name));
    // The crash came before the job could record that it was done: the journal has the claim.
    assert.equal(await new LocalFolderOutput(folder, IMAGE, JOB).recover(journal.at(-1)), 'cat.luma.mp4');
    assert.deepEqual(await fs.readdir(folder), ['cat.luma.mp4']);
  });

  it("recover: ignores a claimed name that is not one of this image's video names (the stored list is untrusted)", async () => {
    const foreign = await seedForeign(folder);
    for (const claimed of ['dog.luma.mp4', '../cat.luma.mp4', 'cat.luma-0.mp4', 'cat.png', '']) {
      assert.equal(await new LocalFolderOutput(folder, IMAGE, JOB).recover(claimed), undefined, claimed);
    }
    await checkAfterRecover(folder, foreign, video, undefined, 'after recover');
  });

  it('recover: an empty claim (between creating the name and the placeholder) goes; an unclaimed empty file stays', async () => {
    const names = new VideoNames(IMAGE, JOB);
    await fs.writeFile(path.join(folder, 'cat.luma-2.mp4'), '');
    await fs.writeFile(path.join(folder, names.claiming('00c0ffee', 2)), video);
    await fs.writeFile(path.join(folder, 'cat.luma-5.mp4'), '');
    assert.equal(await new LocalFolderOutput(folder, IMAGE, JOB).recover(undefined), undefined);
    assert.deepEqual(await fs.readdir(folder), ['cat.luma-5.mp4']);
  });

  it('a rename refused for a moment (EBUSY, as on Windows while a scanner holds the file) is tried again', async () => {
    const node = new NodeFolderOps(folder);
    let refusals = 0;
    const busy: FolderOps = Object.assign(Object.create(node) as FolderOps, {
      rename: async (from: string, to: string) => {
        if (refusals++ < 3) throw Object.assign(new Error('resource busy'), { code: 'EBUSY' });
        return node.rename(from, to);
      },
    });
    const output = new LocalFolderOutput(folder, IMAGE, JOB, busy);
    const temp = await output.tempPath();
    await fs.writeFile(temp, video);
    assert.equal(await output.commit(temp), 'cat.luma.mp4');
    assert.ok((await fs.readFile(path.join(folder, 'cat.luma.mp4'))).equals(video));
  });

  it('when the journal cannot be written: no placeholder, no temporary file, and the job hears why', async () => {
    const output = new LocalFolderOutput(folder, IMAGE, JOB);
    const temp = await output.tempPath();
    await fs.writeFile(temp, video);
    const failure = new Error('the job store is gone');
    await assert.rejects(
      output.commit(temp, async () => {
        throw failure;
      }),
      (error) => error === failure,
    );
    assert.deepEqual(await fs.readdir(folder), []);
  });

  it('a disk that refuses the placeholder: a clear message, nothing left', async () => {
    const node = new NodeFolderOps(folder);
    const full: FolderOps = Object.assign(Object.create(node) as FolderOps, {
      createExclusive: async () => {
        throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      },
    });
    const output = new LocalFolderOutput(folder, IMAGE, JOB, full);
    const temp = await output.tempPath();
    await fs.writeFile(temp, video);
    const error = await output.commit(temp).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof LumaError && error.kind === 'disk', String(error));
    assert.match(error.message, /Could not write the video \(the disk is full\)\. Free some space or choose another folder/);
    assert.deepEqual(await fs.readdir(folder), []);
  });
});

describe('a long image name, end to end against the simulator', function () {
  this.timeout(20_000);
  const KEY = 'sim-key-long-names-0123';
  const options: GenerationOptions = { ...generationOptions, prompt: 'waves' };
  const catPng = new Uint8Array(readFileSync(path.resolve(__dirname, '../../../test/fixtures/workspace/cat.png')));
  const silent = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  let sim: Simulator;
  let folder: string;
  before(async () => {
    sim = await Simulator.start({ apiKey: KEY, generationMs: 50 });
  });
  after(async () => {
    await sim.stop();
  });
  beforeEach(async () => {
    sim.reset();
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'luma-long-'));
  });
  afterEach(async () => {
    await fs.rm(folder, { recursive: true, force: true });
  });

  const generate = (fileName: string, output: LocalFolderOutput) =>
    runGeneration({ bytes: catPng, fileName, mimeType: 'image/png' }, options, {
      client: new OneMinClient({
        apiBaseUrl: sim.apiBaseUrl,
        assetBaseUrl: sim.assetBaseUrl,
        apiKey: KEY,
        log: silent,
        retry: { initialMs: 20, maxMs: 200, maxTotalMs: 5000 },
        random: () => 1,
      }),
      output,
      log: silent,
      poll: { initialMs: 30, factor: 1.5, maxMs: 100, maxWaitMs: 10_000 },
      random: () => 1,
    });

  it('a 244-character image name is charged once and saved under a shortened name', async () => {
    const image = `${'sunset over the bay '.repeat(12)}.png`;
    assert.equal(image.length, 244);
    const result = await generate(image, new LocalFolderOutput(folder, image, JOB));
    assert.equal(sim.featureCalls, 1);
    assert.match(result.videoName, /^(sunset over the bay )+.*~[0-9a-f]{8}\.luma\.mp4$/);
    assert.ok(Buffer.byteLength(result.videoName) <= 255);
    assert.deepEqual(await fs.readdir(folder), [result.videoName]);
  });

  it('a folder too deep for the names is refused before anything is sent or charged', async () => {
    const image = `${'a'.repeat(240)}.png`;
    let deep = folder;
    while (Buffer.byteLength(deep) < 3900) deep = path.join(deep, 'd'.repeat(200));
    const error = await generate(image, new LocalFolderOutput(deep, image, JOB)).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof LumaError && error.kind === 'disk', String(error));
    assert.match(
      error.message,
      /file names would be too long there .* Rename the image to a shorter name, or choose a folder with a shorter path/,
    );
    assert.equal(sim.requests.length, 0, 'nothing sent');
  });
});
