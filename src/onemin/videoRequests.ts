// The two calls about a generation: POST /api/features asks for it (and may be charged), GET
// /api/results/{uuid} reads where it is. Both answer with the service's AI record.
import { l10n } from '../shared/l10n';
import type { GenerationOptions } from '../shared/options';
import { LumaError } from '../util/lumaError';
import type { ApiHost } from './http';
import { parseRecordBody, ServiceUuid, VideoRecord } from './record';

/** The body of POST /api/features for one image-to-video generation. */
export function featureRequestBody(imagePath: string, options: GenerationOptions): Record<string, unknown> {
  const promptObject: Record<string, unknown> = {
    imageUrl: imagePath,
    prompt: options.prompt,
    length: options.length,
    enhancePrompt: options.enhancePrompt,
    // The newer version of the service wants these two; the older one ignores them.
    duration: `${options.length}s`,
    modelName: options.modelName,
    loop: options.loop,
  };
  if (options.aspectRatio) promptObject.aspectRatio = options.aspectRatio;
  if (options.resolution) promptObject.resolution = options.resolution;
  return { type: 'IMAGE_TO_VIDEO', model: 'luma', conversationId: 'IMAGE_TO_VIDEO', promptObject, async: true };
}

/**
 * POST /api/features. Repeated only when the service certainly did nothing: a 429 refusal or a
 * connection that was never opened. Any other failure after it went out, its deadline included,
 * may still have been charged, so it is not repeated. Returns the record, pending or finished.
 */
export async function requestVideo(
  api: ApiHost,
  deadlineMs: number,
  assetBaseUrl: string,
  request: { imagePath: string; options: GenerationOptions },
  signal?: AbortSignal,
): Promise<VideoRecord> {
  const body = await api.call({
    during: 'asking for the video',
    deadlineMs,
    signal,
    keepSentRequest: true,
    retryable: neverReachedService,
    send: (limit) => api.http.post('/api/features', featureRequestBody(request.imagePath, request.options), { signal: limit }),
  });
  const record = parseRecordBody(body, assetBaseUrl);
  if (!record)
    throw new LumaError(
      'protocol',
      l10n.t(
        '1min.ai accepted the request but returned no record. The video may have been made and ' +
          'charged: check your 1min.ai history before trying again.',
      ),
      { detail: 'aiRecord: null after POST /api/features', saysMoney: true },
    );
  return record;
}

/** GET /api/results/{uuid}; undefined when the service does not know the uuid. */
export async function getResult(
  api: ApiHost,
  deadlineMs: number,
  assetBaseUrl: string,
  uuid: ServiceUuid,
  signal?: AbortSignal,
): Promise<VideoRecord | undefined> {
  const body = await api.call({
    during: 'checking on the video',
    deadlineMs,
    signal,
    send: (limit) => api.http.get(`/api/results/${encodeURIComponent(uuid)}`, { signal: limit }),
  });
  return parseRecordBody(body, assetBaseUrl);
}

/** Failures after which the service certainly made nothing, so even a paid call may be repeated. */
function neverReachedService(failure: LumaError): boolean {
  return failure.kind === 'rateLimited' || failure.code === 'ECONNREFUSED';
}
