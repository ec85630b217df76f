// The generation history on disk: it only advises, so whatever is in its folder (a damaged file,
// a pipe, a link to a device, a huge file, a date in the future) is skipped rather than read
// forever or trusted, and a write that fails never fails the job.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GenerationHistory } from '../../src/jobs/generationHistory';
import { kindOf } from '../../src/jobs/pollSchedule';
import { silentLogger } from '../../src/util/log';
import { generationOptions } from '../support/fixtures';

const kind = kindOf(generationOptions);

describe('the generation history on disk', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'luma-history-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('keeps each finished generation in a file of its own and reads them back, newest first', async () => {
    const history = new GenerationHistory(path.join(dir, 'history'), silentLogger);
    await history.add('job-1', { kind, ms: 61_000, at: 1000 });
    await history.add('job-2', { kind, ms: 58_000, at: 2000 });
    assert.deepEqual(
      (await history.read()).map((entry) => entry.ms),
      [58_000, 61_000],
    );
  });

  it('skips what is not an entry (other or broken JSON, a pipe, a link to a device, a huge file); a future date is now', async () => {
    const history = new GenerationHistory(dir, silentLogger);
    await history.add('good', { kind, ms: 60_000, at: 1000 });
    await fs.writeFile(path.join(dir, 'wrong.json'), JSON.stringify({ kind, ms: 'sixty', at: 1 }));
    await fs.writeFile(path.join(dir, 'broken.json'), '{"kind": ');
    await fs.writeFile(path.join(dir, 'huge.json'), JSON.stringify({ kind, ms: 1, at: 1, pad: 'x'.repeat(100_000) }));
    await fs.symlink('/dev/zero', path.join(dir, 'zero.json'));
    execFileSync('mkfifo', [path.join(dir, 'pipe.json')]);
    await fs.writeFile(path.join(dir, 'future.json'), JSON.stringify({ kind, ms: 59_000, at: Date.now() + 365 * 86_400_000 }));
    const read = await history.readWithin(2000);
    assert.deepEqual(read.map((entry) => entry.ms).sort(), [59_000, 60_000]);
    assert.ok(read.every((entry) => entry.at <= Date.now()));
  });

  it('a read that does not end in time gives no history (the old back-off), and a cancel ends the wait', async () => {
    const history = new GenerationHistory(dir, silentLogger);
    history.read = () => new Promise(() => undefined); // a file system that never answers
    const started = Date.now();
    assert.deepEqual(await history.readWithin(200), []);
    assert.ok(Date.now() - started < 1000);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 50);
    assert.deepEqual(await history.readWithin(60_000, abort.signal), []);
  });

  it('a write that cannot happen is logged, never thrown: the job it came from is done anyway', async () => {
    await fs.writeFile(path.join(dir, 'history'), 'a file where the folder should be');
    const warnings: string[] = [];
    const history = new GenerationHistory(path.join(dir, 'history'), { ...silentLogger, warn: (line) => warnings.push(line) });
    await history.add('job-1', { kind, ms: 60_000, at: 1000 });
    assert.equal(warnings.length, 1);
    assert.deepEqual(await history.read(), []);
  });

  it('keeps the newest 200, and sweeps what a crash left mid-write', async () => {
    const history = new GenerationHistory(dir, silentLogger);
    const old = path.join(dir, '.job-x.0badc0de.tmp');
    await fs.writeFile(old, '{"half');
    const longAgo = new Date(Date.now() - 3_600_000);
    await fs.utimes(old, longAgo, longAgo);
    for (let i = 0; i < 205; i++) await history.add(`job-${i}`, { kind, ms: 50_000 + i, at: Date.now() - 1000 + i });
    const names = await fs.readdir(dir);
    assert.equal(names.filter((name) => name.endsWith('.json')).length, 200);
    assert.ok(!names.includes('.job-x.0badc0de.tmp'));
    assert.equal((await history.read())[0].ms, 50_204);
  });
});
