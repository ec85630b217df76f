// The job record (aiRecord) as the service sends it, in the shapes resultShape and temporaryUrl choose.

import type { Core } from './core';
import type { StatusOverride } from './faults';
import type { Job } from './jobs';

/** The record of `job`; `override` changes this one answer's status and error. */
export function recordOf(core: Core, job: Job, override?: StatusOverride): Record<string, unknown> {
  const opts = core.opts;
  let resultObject: unknown[] = [];
  let temporaryUrl = '';
  const extra: Record<string, unknown> = {};
  if (job.status === 'SUCCESS' && job.outcome === 'video') {
    const url = core.videoUrl(job.uuid);
    const key = `videos/${job.uuid}.mp4`;
    resultObject = [opts.resultShape === 'relative' ? key : opts.resultShape === 'absolute' ? url : { url }];
    temporaryUrl = core.presign.presign(url, job.uuid, job.finishedAt);
  } else if (job.status === 'SUCCESS' && job.outcome === 'error' && job.error) {
    resultObject = [job.error];
  } else if (job.status !== 'SUCCESS' && job.status !== 'PROCESSING') {
    resultObject = [job.reason ?? 'Generation failed'];
    extra.message = job.reason ?? 'Generation failed';
  }
  return {
    uuid: job.uuid,
    model: 'luma',
    type: 'IMAGE_TO_VIDEO',
    status: override?.status ?? job.status,
    conversationId: job.conversationId,
    metadata: { credit: job.cost },
    aiRecordDetail: { promptObject: job.promptObject, resultObject },
    ...extra,
    ...(override?.error !== undefined ? { error: override.error } : {}),
    ...(override?.message !== undefined ? { message: override.message } : {}),
    createdAt: new Date(job.createdAt).toISOString(),
    ...(opts.temporaryUrl === 'absent' ? {} : { temporaryUrl: opts.temporaryUrl === 'present' ? temporaryUrl : '' }),
  };
}
