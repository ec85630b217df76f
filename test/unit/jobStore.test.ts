import * as assert from 'node:assert/strict';
import { isFetchable, isResumable, JobRecord, JobStore, Memento } from '../../src/jobs/jobStore';

/** An in-memory Memento whose writes take a moment, like the real one. */
function memento(): Memento & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    get: <T>(key: string) => data.get(key) as T | undefined,
    update: (key: string, value: unknown) => new Promise<void>((resolve) => setTimeout(() => { data.set(key, JSON.parse(JSON.stringify(value))); resolve(); }, 2)),
  };
}

function job(id: string, patch: Partial<JobRecord> = {}): JobRecord {
  return {
    id, imageUri: `file:///w/${id}.png`, imageName: `${id}.png`, outputFolder: 'file:///w',
    options: { prompt: 'p', length: 5, enhancePrompt: true, modelName: 'ray-v2', aspectRatio: '', resolution: '', loop: false },
    state: 'uploading', createdAt: Date.now(), updatedAt: Date.now(), ...patch,
  };
}

describe('job store', () => {
  it('keeps every job saved at the same moment (writes are queued), newest first', async () => {
    const store = new JobStore(memento());
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.save(job(`j${i}`, { createdAt: 1000 + i }))));
    assert.deepEqual(store.all().map((j) => j.id), ['j9', 'j8', 'j7', 'j6', 'j5', 'j4', 'j3', 'j2', 'j1', 'j0']);
    await store.save({ ...job('j3', { createdAt: 1003 }), state: 'generating', uuid: 'u3' });
    assert.equal(store.all().length, 10);
    assert.equal(store.get('j3')?.uuid, 'u3');
    await store.remove('j3');
    assert.equal(store.get('j3'), undefined);
  });

  it('knows which jobs resume by themselves and which can be fetched without paying again', () => {
    assert.equal(isResumable(job('a', { state: 'generating', uuid: 'u' })), true);
    assert.equal(isResumable(job('b', { state: 'downloading', uuid: 'u' })), true);
    assert.equal(isResumable(job('c', { state: 'stopped', uuid: 'u' })), false, 'the person chose to stop waiting');
    assert.equal(isResumable(job('d', { state: 'uploading' })), false);
    assert.equal(isFetchable(job('c', { state: 'stopped', uuid: 'u' })), true);
    assert.equal(isFetchable(job('e', { state: 'failed', uuid: 'u' })), true);
    assert.equal(isFetchable(job('f', { state: 'failed' })), false, 'never accepted: nothing to fetch');
    assert.equal(isFetchable(job('g', { state: 'done', uuid: 'u' })), false);
  });

  it('drops the oldest finished jobs past 200, but never a paid one that is not saved yet', async () => {
    const store = new JobStore(memento());
    await store.save(job('paid', { state: 'failed', uuid: 'u', createdAt: 1 }));
    for (let i = 0; i < 205; i++) await store.save(job(`done${i}`, { state: 'done', createdAt: 10 + i }));
    const ids = store.all().map((j) => j.id);
    assert.equal(ids.filter((id) => id.startsWith('done')).length, 200);
    assert.ok(ids.includes('paid'));
    assert.ok(!ids.includes('done0'), 'the oldest finished one went');
  });
});
