// POST /api/features: a generation request, checked, charged and turned into a job; answered at
// once when async, else when the job ends or a gateway in front gives up.

import type { Core } from './core';
import { apiFault } from './apiFaults';
import { isRecord } from '../../src/shared/options';
import { gatewayPage, show } from './errorBodies';
import { validateFeature } from './featureRequest';
import { isRecordFault, type Fault } from './faults';
import { readBody } from './multipart';
import { recordOf } from './record';
import type { Ctx } from './reply';

/** POST /api/features; `fault` is one the service takes part in (see needsService). */
export async function features(core: Core, ctx: Ctx, fault?: Fault): Promise<void> {
  const { req } = ctx;
  const contentType = req.headers['content-type'] ?? '';
  const body = await readBody(req, 1024 * 1024);
  if (body.overflow) return core.reply.error(ctx, 413, 'PAYLOAD_TOO_LARGE', 'Request body too large');
  if (!/^application\/([\w.+-]*\+)?json\s*(;|$)/i.test(contentType)) {
    return core.reply.error(
      ctx,
      400,
      'BAD_REQUEST',
      `Expected a JSON body (Content-Type application/json, got ${show(contentType || undefined)})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(body.data.toString('utf8'));
  } catch {
    return core.reply.error(ctx, 400, 'BAD_REQUEST', 'The body is not valid JSON');
  }
  ctx.seen.json = json;
  const checked = validateFeature(json, (key) => core.uploads.has(key));
  if (!checked.ok) return core.reply.error(ctx, 400, checked.errorCode, checked.message);

  const cost = core.opts.creditsPerVideo * (checked.length / 5);
  if (core.balance < cost) return core.reply.error(ctx, 406, 'INSUFFICIENT_CREDITS', core.creditsMessage(cost));
  core.balance -= cost;
  core.accepted++;
  const job = core.jobs.create(checked, cost, core.opts.generationMs);

  if (fault?.kind === 'recordStatus') return core.reply.answer(ctx, 200, { aiRecord: recordOf(core, job, fault) });
  if (fault && isRecordFault(fault)) {
    // The service took the job (and the money) and it ended badly at once.
    core.jobs.applyRecordFault(job, fault);
    return core.reply.answer(ctx, 200, { aiRecord: recordOf(core, job) });
  }
  // Charged, then the answer went wrong on its way back (a gateway, a dropped connection).
  if (fault) return apiFault(core, ctx, 'features', fault, job);
  const isAsync = isRecord(json) && json.async === true && core.opts.asyncMode === 'honour';
  if (isAsync) return core.reply.answer(ctx, 200, { aiRecord: recordOf(core, job) });

  // Blocking call: wait for the job, unless a gateway in front gives up first.
  const gateway = core.opts.gatewayTimeoutMs;
  const outcome = await new Promise<'done' | 'gateway' | 'gone'>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const settle = (why: 'done' | 'gateway' | 'gone') => {
      job.waiters.delete(onDone);
      ctx.res.off('close', onGone);
      core.timers.cancel(timer);
      resolve(why);
    };
    const onDone = () => settle('done');
    const onGone = () => settle('gone');
    if (job.status !== 'PROCESSING') return resolve('done');
    job.waiters.add(onDone);
    ctx.res.once('close', onGone);
    if (gateway !== undefined) {
      timer = core.timers.after(Math.max(0, ctx.seen.at + gateway - Date.now()), () => settle('gateway'));
    }
  });
  if (outcome === 'gone') return;
  if (outcome === 'gateway') {
    await core.holds.gate(ctx);
    return core.reply.write(ctx, 504, gatewayPage(504)); // the gateway, not the API: no latency
  }
  return core.reply.answer(ctx, 200, { aiRecord: recordOf(core, job) });
}
