// The polling plan in the job machine, against the simulator over loopback: each finished
// generation's time is kept beside the job list, the next job of its kind is checked where it
// is likely to finish, and a restart keeps both the history and the moment the plan counts from.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { GenerationHistory } from '../../src/jobs/generationHistory';
import { kindOf, likelyRange } from '../../src/jobs/pollSchedule';
import { silentLogger } from '../../src/util/log';
import { generationOptions } from '../support/fixtures';
import { Simulator } from '../simulator/simulator';
import { createHost, freshWorkspacePerTest, TestHost } from '../support/jobHost';

const KEY = 'poll-plan-key-01';
const GENERATION_MS = 400;

describe('the polling plan in the job machine', function () {
  this.timeout(30_000);
  let sim: Simulator;
  const workspace = freshWorkspacePerTest('luma-plan');

  before(async () => {
    sim = await Simulator.start({ apiKey: KEY, generationMs: GENERATION_MS });
  });
  after(() => sim.stop());
  beforeEach(() => {
    sim.reset();
    sim.configure({ asyncMode: 'honour', generationMs: GENERATION_MS, latencyMs: 0, gatewayTimeoutMs: undefined });
  });

  function host(hostId = 'window-1'): TestHost {
    const created = createHost({ ...workspace, api: sim, apiKey: KEY, hostId });
    workspace.hosts.push(created);
    return created;
  }
  const history = () => new GenerationHistory(path.join(workspace.storeDir, 'history'), silentLogger);
  const checksOf = (uuid: string) => sim.requests.filter((r) => r.endpoint === 'result' && r.path.includes(uuid)).map((r) => r.at);

  async function generate(on: TestHost, image = 'cat.png') {
    const [job] = await on.machine.start([on.request(image)]);
    const done = await on.machine.whenSettled(job.id);
    assert.equal(done?.state, 'done');
    return done!;
  }

  it('keeps how long each generation took, with its kind, and plans the next of its kind from them', async () => {
    const a = host();
    for (let i = 0; i < 5; i++) await generate(a);
    const kept = await history().read();
    assert.equal(kept.length, 5);
    for (const entry of kept) {
      assert.deepEqual(entry.kind, kindOf(generationOptions));
      assert.ok(entry.ms > GENERATION_MS / 2 && entry.ms < GENERATION_MS * 2, `${entry.ms} ms for a ${GENERATION_MS} ms generation`);
    }
    const range = likelyRange(kept, kindOf(generationOptions))!;
    assert.ok(range, 'enough history for a plan');

    // The host's poll settings are 30 to 120 ms: without history the first check comes 15 to 30 ms
    // in; with it, the plan waits the longest it may (120 ms) while finishing is unlikely.
    const planned = await generate(a);
    const checks = checksOf(planned.uuid!);
    const first = checks[0] - planned.acceptedAt!;
    assert.ok(first >= 100, `first check ${first} ms after acceptance`);
    assert.ok(planned.acceptedAt! > 0);
  });

  it('a restart in the middle: the record keeps when it was accepted, the history stays, the plan goes on', async () => {
    const a = host();
    for (let i = 0; i < 5; i++) await generate(a);
    sim.configure({ generationMs: 3000 });
    const [job] = await a.machine.start([a.request('cat.png')]);
    const accepted = await until(() => a.machine.get(job.id)?.acceptedAt);
    await a.store.flushed();
    a.crash();
    const b = host('window-2');
    assert.deepEqual(
      (await b.machine.recover()).map((resumed) => resumed.id),
      [job.id],
    );
    // The plan and the estimate in the new window count from the stored acceptance, not from the restart.
    const expected = await until(() => b.machine.snapshots().find((s) => s.job.id === job.id)?.live?.expected);
    assert.equal(expected.acceptedAt, accepted);
    const done = await b.machine.whenSettled(job.id);
    assert.equal(done?.state, 'done', 'resumed and fetched');
    assert.equal(done?.acceptedAt, accepted, 'the plan counts from the acceptance, not from the restart');
    assert.equal((await history().read()).length, 6, "the resumed job's time joins the history");
    // Checked all the while, and never more than the job's budget in any window (20 in 600 ms on this clock).
    const checks = checksOf(job.uuid ?? done!.uuid!);
    const most = Math.max(...checks.map((start) => checks.filter((t) => t >= start && t <= start + 600).length));
    assert.ok(checks.length > 10 && most <= 20, `${checks.length} checks, at most ${most} in 600 ms`);
  });
});

async function until<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
