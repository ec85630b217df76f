// The folder a crash test saves into, and what must hold in it after a crash, after the next
// start's recover(), and at the end. Shared by the in-process and the child-process crash tests.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { VideoNames } from '../../src/files/naming';

export const IMAGE = 'cat.png';
/** This job's id, and another job's of the same length (so its placeholder has the same size). */
export const JOB = '11111111-2222-4333-8444-555555555555';
export const OTHER_JOB = '99999999-8888-4777-8666-555555555555';
const names = new VideoNames(IMAGE, JOB);
const otherNames = new VideoNames(IMAGE, OTHER_JOB);

/**
 * What was in the folder before the job: a video of the person's, another job's placeholder of the
 * same size as ours, an empty file, another job's download and the claim trail pointing at that
 * empty file, and another image's video. None of it may ever change.
 */
export async function seedForeign(folder: string): Promise<Map<string, Buffer>> {
  const foreign = new Map<string, Buffer>([
    ['cat.luma.mp4', Buffer.from('the older video the person made by hand')],
    [
      'cat.luma-3.mp4',
      Buffer.from(
        `LUMA-VIDEO-PLACEHOLDER job ${OTHER_JOB} attempt 0badc0de\nA video is being saved under this name. ` +
          'If this file stays, the save was cut off; the job removes it when it runs again.\n',
      ),
    ],
    ['cat.luma-4.mp4', Buffer.alloc(0)],
    [otherNames.download('0badc0de'), Buffer.from("half of another job's download")],
    [otherNames.claiming('0badc0de', 4), Buffer.from('another job claiming cat.luma-4.mp4')],
    ['dog.luma.mp4', Buffer.from('a video of another image')],
  ]);
  for (const [name, bytes] of foreign) await fs.writeFile(path.join(folder, name), bytes);
  return foreign;
}

const isVideoName = (name: string) => /\.luma(-\d+)?\.mp4$/.test(name) && !name.startsWith('.');

async function contents(folder: string): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  for (const name of await fs.readdir(folder)) found.set(name, await fs.readFile(path.join(folder, name)));
  return found;
}

function assertForeignIntact(found: Map<string, Buffer>, foreign: Map<string, Buffer>, when: string): void {
  for (const [name, bytes] of foreign) assert.ok(found.get(name)?.equals(bytes), `${when}: ${name} was changed or removed`);
}

/**
 * Right after a crash: every video name holds a complete video, or something of this job's that
 * the next start removes (its placeholder, or an empty file its claim trail names).
 */
export async function checkAfterCrash(folder: string, foreign: Map<string, Buffer>, video: Buffer, when: string): Promise<void> {
  const found = await contents(folder);
  assertForeignIntact(found, foreign, when);
  const trails = new Set(
    [...found.keys()]
      .map((name) => names.parseHidden(name)?.claiming)
      .filter((n) => n !== undefined)
      .map((n) => names.final(n)),
  );
  for (const [name, bytes] of found) {
    if (foreign.has(name) || !isVideoName(name) || bytes.equals(video)) continue;
    const placeholder = bytes.toString('utf8').startsWith(`LUMA-VIDEO-PLACEHOLDER job ${JOB} `);
    const emptyClaim = bytes.length === 0 && trails.has(name);
    assert.ok(
      placeholder || emptyClaim,
      `${when}: ${name} holds ${bytes.length} bytes that are neither the video nor this job's placeholder`,
    );
  }
}

/** After the next start's recover(): only the foreign files, and the video if recover found it. */
export async function checkAfterRecover(
  folder: string,
  foreign: Map<string, Buffer>,
  video: Buffer,
  recovered: string | undefined,
  when: string,
): Promise<void> {
  const found = await contents(folder);
  assertForeignIntact(found, foreign, when);
  const extra = [...found.keys()].filter((name) => !foreign.has(name));
  if (recovered === undefined) {
    assert.deepEqual(extra, [], `${when}: left after recover`);
  } else {
    assert.ok(found.get(recovered)?.equals(video), `${when}: recover answered ${recovered}, which is not the video`);
    assert.deepEqual(extra, [recovered], `${when}: left after recover`);
  }
}

/** At the end: exactly one copy of the video, under the name the job was told, and nothing else new. */
export async function checkEnd(folder: string, foreign: Map<string, Buffer>, video: Buffer, saved: string, when: string): Promise<void> {
  const found = await contents(folder);
  assertForeignIntact(found, foreign, when);
  assert.deepEqual(
    [...found.keys()].filter((name) => !foreign.has(name)),
    [saved],
    `${when}: files other than the one video`,
  );
  assert.ok(found.get(saved)?.equals(video), `${when}: ${saved} is not the whole video`);
}
