// Generations the service took: created on an accepted POST /api/features, finished after
// generationMs, or at once by a record fault or finishJob().

import * as crypto from 'node:crypto';
import type { RecordFault } from './faults';
import type { JobInfo } from './types';

type JobStatus = 'PROCESSING' | 'SUCCESS' | 'FAILURE' | 'FAILED' | 'ERROR';

export interface Job {
  uuid: string;
  createdAt: number;
  finishedAt?: number;
  prompt: string;
  promptObject: Record<string, unknown>;
  conversationId: string;
  cost: number;
  status: JobStatus;
  /** What a SUCCESS holds: the video, a {code, message} entry, or nothing. */
  outcome: 'video' | 'error' | 'none';
  reason?: string;
  error?: { code: string; message: string };
  timer?: NodeJS.Timeout;
  waiters: Set<() => void>;
}

/** What a valid request says of the job to make. */
export interface JobRequest {
  prompt: string;
  promptObject: Record<string, unknown>;
  conversationId: string;
}

export class Jobs {
  private readonly byUuid = new Map<string, Job>();

  get(uuid: string): Job | undefined {
    return this.byUuid.get(uuid);
  }

  /** A job that succeeds after `generationMs` unless something finishes it first. */
  create(request: JobRequest, cost: number, generationMs: number): Job {
    const job: Job = {
      uuid: crypto.randomUUID(),
      createdAt: Date.now(),
      prompt: request.prompt,
      promptObject: request.promptObject,
      conversationId: request.conversationId,
      cost,
      status: 'PROCESSING',
      outcome: 'video',
      waiters: new Set(),
    };
    job.timer = setTimeout(() => this.finish(job, { status: 'SUCCESS', outcome: 'video' }), generationMs);
    this.byUuid.set(job.uuid, job);
    return job;
  }

  finish(job: Job, how: Pick<Job, 'status' | 'outcome' | 'reason' | 'error'>): void {
    if (job.timer) clearTimeout(job.timer);
    job.timer = undefined;
    job.status = how.status;
    job.outcome = how.outcome;
    job.reason = how.reason;
    job.error = how.error;
    job.finishedAt ??= Date.now();
    for (const waiter of [...job.waiters]) waiter();
  }

  /** Finishes a pending generation now; a finished one is left as it is. */
  finishNow(uuid: string, outcome: 'SUCCESS' | 'FAILURE'): void {
    const job = this.byUuid.get(uuid);
    if (!job) throw new Error(`Simulator.finishJob: no job ${uuid}`);
    if (job.status !== 'PROCESSING') return;
    if (outcome === 'SUCCESS') this.finish(job, { status: 'SUCCESS', outcome: 'video' });
    else this.finish(job, { status: 'FAILURE', outcome: 'none', reason: 'Generation failed' });
  }

  applyRecordFault(job: Job, fault: RecordFault): void {
    switch (fault.kind) {
      case 'failure':
        return this.finish(job, { status: fault.status ?? 'FAILURE', outcome: 'none', reason: fault.reason ?? 'Generation failed' });
      case 'errorInResult':
        return this.finish(job, {
          status: 'SUCCESS',
          outcome: 'error',
          error: { code: fault.code ?? 'GENERATION_FAILED', message: fault.message ?? 'The video could not be generated' },
        });
      case 'noVideo':
        return this.finish(job, { status: 'SUCCESS', outcome: 'none' });
    }
  }

  list(): JobInfo[] {
    return [...this.byUuid.values()].map((j) => ({
      uuid: j.uuid,
      status: j.status,
      createdAt: j.createdAt,
      ...(j.finishedAt !== undefined ? { finishedAt: j.finishedAt } : {}),
      prompt: j.prompt,
    }));
  }

  /** Stops every pending generation's timer; the jobs stay as they are. */
  stopTimers(): void {
    for (const job of this.byUuid.values()) if (job.timer) clearTimeout(job.timer);
  }

  /** Forgets every job. */
  clear(): void {
    this.stopTimers();
    this.byUuid.clear();
  }
}
