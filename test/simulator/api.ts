// The API server: routes each request, applies any fault it drew, checks the key, and hands it
// to the endpoint's handler (upload, features, or the result read here).

import type { Core } from './core';
import { apiFault } from './apiFaults';
import { features } from './features';
import { isRecordFault, needsService, type Fault } from './faults';
import { drain } from './multipart';
import { recordOf } from './record';
import { takeDelivery, type Ctx } from './reply';
import { route, splitTarget } from './routes';
import { upload } from './upload';

/** Answers one API request; whatever goes wrong inside becomes a 500, if the client still listens. */
export function serveApi(core: Core, ctx: Ctx): void {
  const { res } = ctx;
  handleApi(core, ctx).catch((err: unknown) => {
    // An aborted request ends here too; only answer if the client is still listening.
    if (!res.headersSent && !res.destroyed) core.reply.write(ctx, 500, { errorCode: 'INTERNAL_SERVER_ERROR', message: String(err) });
  });
}

async function handleApi(core: Core, ctx: Ctx): Promise<void> {
  const { req, seen } = ctx;
  const pathname = splitTarget(seen.path).pathname;
  const endpoint = route(seen.method, pathname);
  if (!endpoint) {
    await drain(req);
    // The service is NestJS: unknown routes and wrong methods both get its 404.
    return core.reply.error(ctx, 404, 'NOT_FOUND', `Cannot ${seen.method} ${pathname}`);
  }
  seen.endpoint = endpoint.name;
  const fault = takeDelivery(ctx, core.takeFault(endpoint.name));
  if (fault && !needsService(fault)) return apiFault(core, ctx, endpoint.name, fault);

  const key = req.headers['api-key'];
  if (typeof key !== 'string' || key === '') {
    await drain(req);
    return core.reply.error(ctx, 401, 'HTTP_EXCEPTION', 'API key is required');
  }
  if (key !== core.opts.apiKey) {
    await drain(req);
    return core.reply.error(ctx, 401, 'HTTP_EXCEPTION', 'API Key has been deleted');
  }
  switch (endpoint.name) {
    case 'upload':
      return upload(core, ctx);
    case 'features':
      return features(core, ctx, fault);
    default:
      return result(core, ctx, endpoint.uuid ?? '', fault);
  }
}

/** GET /api/results/:uuid */
async function result(core: Core, ctx: Ctx, uuid: string, fault?: Fault): Promise<void> {
  await drain(ctx.req);
  const job = core.jobs.get(uuid);
  if (!job) return core.reply.answer(ctx, 200, { aiRecord: null });
  if (fault?.kind === 'recordStatus') return core.reply.answer(ctx, 200, { aiRecord: recordOf(core, job, fault) });
  // A record fault here sticks: the job reads that way from now on.
  if (fault && isRecordFault(fault)) core.jobs.applyRecordFault(job, fault);
  return core.reply.answer(ctx, 200, { aiRecord: recordOf(core, job) });
}
