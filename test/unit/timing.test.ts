// Deadline: one signal for a request that a cancel, a wall-clock limit or a stall can end.
import * as assert from 'node:assert/strict';
import { Deadline, formatDuration } from '../../src/util/timing';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Deadline', () => {
  it('fires at the wall-clock limit, however steady the progress', async () => {
    const deadline = new Deadline({ totalMs: 120, stallMs: 50 });
    const started = Date.now();
    while (!deadline.signal.aborted && Date.now() - started < 1000) {
      deadline.progress();
      await wait(10);
    }
    deadline.dispose();
    assert.equal(deadline.expired, 'deadline');
    assert.ok(Date.now() - started >= 110, `fired after ${Date.now() - started} ms`);
  });

  it('fires on a stall once progress stops, not before', async () => {
    const deadline = new Deadline({ totalMs: 5000, stallMs: 60 });
    for (let i = 0; i < 8; i++) {
      await wait(20);
      deadline.progress();
    }
    assert.equal(deadline.signal.aborted, false, 'steady progress is not a stall');
    await wait(120);
    deadline.dispose();
    assert.equal(deadline.expired, 'stalled');
  });

  it("follows the caller's cancel, which is not an expiry", () => {
    const cancel = new AbortController();
    const deadline = new Deadline({ totalMs: 5000, cancel: cancel.signal });
    cancel.abort();
    assert.equal(deadline.signal.aborted, true);
    assert.equal(deadline.expired, undefined);
    deadline.dispose();
    const already = new Deadline({ totalMs: 5000, cancel: cancel.signal });
    assert.equal(already.signal.aborted, true);
    already.dispose();
  });

  it('does nothing once disposed', async () => {
    const deadline = new Deadline({ totalMs: 30, stallMs: 20 });
    deadline.dispose();
    await wait(60);
    assert.equal(deadline.signal.aborted, false);
  });
});

describe('formatDuration', () => {
  it('names a limit in the unit a person would use', () => {
    assert.equal(formatDuration(250), '250 ms');
    assert.equal(formatDuration(30_000), '30 s');
    assert.equal(formatDuration(6 * 60_000), '6 minutes');
  });
});
