// The save survives a real crash: a child process downloads a video from the simulator over
// loopback and saves it through LocalFolderOutput, and is SIGKILLed right after each file
// operation and at random moments (mid-download included). After each kill, the next start
// recovers, and the folder must hold complete videos only, then exactly one for the job.
// Run with Node's fs as it is, with hard links refused, and on a real FAT-family image.
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalFolderOutput } from '../../src/files/localOutput';
import { OneMinClient } from '../../src/onemin/client';
import type { GenerationOptions } from '../../src/shared/options';
import type { ChildInput, ChildOutput } from '../harness/saveChild';
import { checkAfterCrash, checkAfterRecover, checkEnd, IMAGE, JOB, seedForeign } from '../harness/saveWorld';
import { Simulator } from '../simulator/simulator';
import { generationOptions } from '../support/fixtures';
import { seeded } from '../support/seeded';

const CHILD = path.join(__dirname, '../harness/saveChild.js');
const KEY = 'sim-key-crash-0123';
const SMALL_VIDEO = 256 * 1024; // for the kills after each step: quick to fetch
const LARGE_VIDEO = 32 * 1024 * 1024; // for kills at random moments: long enough to die mid-download
const RANDOM_RUNS = Number(process.env.LUMA_RANDOM_RUNS ?? 6);
const SEED = Number(process.env.LUMA_CRASH_SEED ?? Date.now() % 2 ** 31);

/** The moments the child announces, from which a kill can be timed. */
type Moment = 'start' | 'downloading' | 'placing';

interface ChildRun {
  killed: boolean;
  output?: ChildOutput;
  /** How long after each moment the child ended (or was killed). */
  msAfter: Partial<Record<Moment, number>>;
}

/** Runs one start of the job in a child; with `kill`, SIGKILLs it so many ms after that moment. */
function runChild(input: ChildInput, kill?: { afterMs: number; from: Moment }): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const seen: Partial<Record<Moment, number>> = { start: Date.now() };
    const child = spawn(process.execPath, [CHILD, JSON.stringify(input)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const reached = (moment: Moment) => {
      seen[moment] = Date.now();
      if (kill?.from === moment) timer = setTimeout(() => child.kill('SIGKILL'), kill.afterMs);
    };
    reached('start');
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      for (const moment of ['downloading', 'placing'] as const) {
        if (seen[moment] === undefined && stdout.split('\n').includes(moment)) reached(moment);
      }
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const now = Date.now();
      const msAfter = Object.fromEntries(Object.entries(seen).map(([moment, at]) => [moment, now - at]));
      if (signal === 'SIGKILL') return resolve({ killed: true, msAfter });
      if (code !== 0) return reject(new Error(`the child failed (${code}): ${stderr}`));
      resolve({ killed: false, output: JSON.parse(stdout.trim().split('\n').pop() ?? '') as ChildOutput, msAfter });
    });
  });
}

interface Place {
  label: string;
  folder: string;
  noLink: boolean;
  /** The video for the random kills: smaller where writing is slow (a file system in FUSE). */
  largeVideo: number;
  cleanup: () => Promise<void>;
}

/** A FAT32 or exFAT file system on a loop image (root, dosfstools or exfatprogs), or why not. */
async function mountFatImage(): Promise<Place | string> {
  if (process.getuid?.() !== 0) return 'mounting a file system image needs root';
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'luma-fat-'));
  const image = path.join(base, 'disk.img');
  const dir = path.join(base, 'mnt');
  await fs.mkdir(dir);
  await fs.writeFile(image, '');
  await fs.truncate(image, 160 * 1024 * 1024);
  const run = (command: string, args: string[]) => execFileSync(command, args, { stdio: 'pipe' }).toString().trim();
  const tries: { label: string; mount: () => () => void }[] = [
    {
      label: 'FAT32 (kernel vfat)',
      mount: () => (
        run('mkfs.vfat', ['-F', '32', image]),
        run('mount', ['-t', 'vfat', '-o', 'loop', image, dir]),
        () => run('umount', [dir])
      ),
    },
    {
      label: 'FAT32 (FUSE, fusefat)',
      mount: () => (run('mkfs.vfat', ['-F', '32', image]), run('fusefat', ['-o', 'rw+', image, dir]), () => run('umount', [dir])),
    },
    {
      label: 'exFAT (kernel)',
      mount: () => (run('mkfs.exfat', [image]), run('mount', ['-t', 'exfat', '-o', 'loop', image, dir]), () => run('umount', [dir])),
    },
    {
      label: 'exFAT (FUSE, exfat-fuse)',
      mount: () => {
        run('mkfs.exfat', [image]);
        const device = run('losetup', ['-f', '--show', image]);
        try {
          run('mount.exfat-fuse', [device, dir]);
        } catch (error) {
          run('losetup', ['-d', device]);
          throw error;
        }
        return () => {
          run('umount', [dir]);
          run('losetup', ['-d', device]);
        };
      },
    },
  ];
  const reasons: string[] = [];
  for (const attempt of tries) {
    try {
      const unmount = attempt.mount();
      return {
        label: `a real ${attempt.label} image`,
        folder: dir,
        noLink: false,
        largeVideo: attempt.label.includes('FUSE') ? 8 * 1024 * 1024 : LARGE_VIDEO,
        cleanup: async () => (unmount(), await fs.rm(base, { recursive: true, force: true })),
      };
    } catch (error) {
      reasons.push(
        `${attempt.label}: ${
          String((error as { stderr?: Buffer }).stderr ?? error)
            .trim()
            .split('\n')[0]
        }`,
      );
    }
  }
  await fs.rm(base, { recursive: true, force: true });
  return `no FAT-family image could be mounted (${reasons.join('; ')})`;
}

describe('a save killed at any moment, in a child process (SIGKILL)', function () {
  this.timeout(240_000);
  let sim: Simulator;
  let url: string;
  const client = () => new OneMinClient({ apiBaseUrl: sim.apiBaseUrl, assetBaseUrl: sim.assetBaseUrl, apiKey: KEY, log: silent });
  const silent = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

  /** Makes the simulator serve a video of `size` bytes (read each time it serves one); returns its bytes. */
  async function serveVideoOf(size: number): Promise<Buffer> {
    sim.configure({ videoSizeBytes: size });
    const file = path.join(os.tmpdir(), `luma-expected-${process.pid}`);
    await client().download(url, file);
    const bytes = await fs.readFile(file);
    await fs.rm(file);
    assert.equal(bytes.length, size);
    return bytes;
  }

  before(async () => {
    sim = await Simulator.start({ apiKey: KEY, generationMs: 20 });
    const image = new Uint8Array(readFileSync(path.resolve(__dirname, '../../../test/fixtures/workspace/cat.png')));
    const options: GenerationOptions = { ...generationOptions, prompt: 'waves' };
    let record = await client().requestVideo(await client().uploadImage(image, IMAGE, 'image/png'), options);
    while (record.state === 'pending') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      record = (await client().getResult(record.uuid)) ?? record;
    }
    url = record.videoUrls[0];
    console.log(`      (random kills: seed ${SEED}; repeat with LUMA_CRASH_SEED=${SEED})`);
  });
  after(async () => {
    await sim?.stop();
  });

  /**
   * The next start after a kill, in this process: recover what the killed start left, check the
   * folder, and unless recover found the video placed, save it afresh. Returns the saved name.
   */
  async function nextStart(place: Place, journal: string, foreign: Map<string, Buffer>, video: Buffer, when: string): Promise<string> {
    await checkAfterCrash(place.folder, foreign, video, when);
    const claims = (await fs.readFile(journal, 'utf8').catch(() => '')).split('\n').filter(Boolean);
    const output = new LocalFolderOutput(place.folder, IMAGE, JOB);
    const recovered = await output.recover(claims.at(-1));
    await checkAfterRecover(place.folder, foreign, video, recovered, when);
    if (recovered) return recovered;
    await output.prepare();
    const temp = await output.tempPath();
    await client().download(url, temp);
    return output.commit(temp, (name) => fs.appendFile(journal, `${name}\n`));
  }

  /** Empties the folder (and the journal) and puts the foreign files back. */
  async function freshFolder(place: Place, journal: string): Promise<Map<string, Buffer>> {
    for (const name of await fs.readdir(place.folder)) await fs.rm(path.join(place.folder, name), { recursive: true, force: true });
    await fs.rm(journal, { force: true });
    return seedForeign(place.folder);
  }

  async function killAfterEveryStep(place: Place, journal: string): Promise<number> {
    const smallVideo = await serveVideoOf(SMALL_VIDEO);
    const input = { folder: place.folder, url, journal, noLink: place.noLink };
    await freshFolder(place, journal);
    const steps = (await runChild(input)).output?.steps ?? [];
    assert.ok(steps.length >= 9, `a save has steps: ${steps.join(', ')}`);
    for (let step = 1; step <= steps.length; step++) {
      const foreign = await freshFolder(place, journal);
      const when = `${place.label}: killed after step ${step} (${steps[step - 1]})`;
      assert.ok((await runChild({ ...input, killAfterStep: step })).killed, `${when}: the child was not killed`);
      const saved = await nextStart(place, journal, foreign, smallVideo, when);
      await checkEnd(place.folder, foreign, smallVideo, saved, when);
    }
    return steps.length;
  }

  /**
   * Starts killed at random moments: a fifth anywhere in the child's life, the rest during the
   * download or during the commit (where a non-atomic step would show); up to two in a row.
   */
  async function killAtRandomMoments(place: Place, journal: string, random: () => number): Promise<{ kills: number; midDownload: number }> {
    const largeVideo = await serveVideoOf(place.largeVideo);
    const input = { folder: place.folder, url, journal, noLink: place.noLink };
    await freshFolder(place, journal);
    const clean = await runChild(input);
    let kills = 0;
    let midDownload = 0;
    for (let run = 1; run <= RANDOM_RUNS; run++) {
      const foreign = await freshFolder(place, journal);
      let saved: string | undefined;
      for (let start = 1; start <= 2 && saved === undefined; start++) {
        const draw = random();
        const from: Moment = draw < 0.2 ? 'start' : draw < 0.6 ? 'downloading' : 'placing';
        const kill = { from, afterMs: Math.floor(random() * (clean.msAfter[from] ?? 0)) };
        const when = `${place.label}: random run ${run}, start ${start}, killed ${kill.afterMs} ms after its ${kill.from} (seed ${SEED})`;
        const result = await runChild(input, kill);
        if (!result.killed) {
          saved = result.output?.saved;
          await checkEnd(place.folder, foreign, largeVideo, saved ?? '', when);
          break;
        }
        kills++;
        if ((await fs.readdir(place.folder)).some((name) => name.endsWith('.part') && name.includes(JOB))) midDownload++;
        await checkAfterCrash(place.folder, foreign, largeVideo, when);
        if (start === 2 || random() < 0.5) {
          saved = await nextStart(place, journal, foreign, largeVideo, when);
          await checkEnd(place.folder, foreign, largeVideo, saved, when);
        }
      }
    }
    return { kills, midDownload };
  }

  async function both(place: Place): Promise<void> {
    const journal = path.join(os.tmpdir(), `luma-journal-${process.pid}`);
    try {
      const steps = await killAfterEveryStep(place, journal);
      const random = await killAtRandomMoments(place, journal, seeded(SEED));
      console.log(
        `      (${place.label}: killed after each of ${steps} steps; ${random.kills} random kills in ${RANDOM_RUNS} runs, ` +
          `${random.midDownload} with the download under way or unplaced)`,
      );
    } finally {
      await fs.rm(journal, { force: true });
    }
  }

  async function onLocalDisk(label: string, noLink: boolean): Promise<void> {
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'luma-killed-'));
    await both({ label, folder, noLink, largeVideo: LARGE_VIDEO, cleanup: async () => undefined }).finally(() =>
      fs.rm(folder, { recursive: true, force: true }),
    );
  }

  it("with Node's fs as it is", async () => {
    await onLocalDisk('local disk', false);
  });

  it('with hard links refused (as on FAT, exFAT and some network drives)', async () => {
    await onLocalDisk('local disk, no hard links', true);
  });

  it('on a real FAT-family file system image (skipped, with the reason, where it cannot be mounted)', async function () {
    const place = await mountFatImage();
    if (typeof place === 'string') {
      console.log(`      (skipped: ${place})`);
      this.skip();
    }
    try {
      await both(place);
    } finally {
      await place.cleanup();
    }
  });
});
