// The checks the service runs on a POST /api/features body, in its order, with its messages.

import { ASPECT_RATIOS, includes, isRecord, LENGTHS, MODEL_NAMES, RESOLUTIONS } from '../../src/shared/options';
import { show } from './errorBodies';

// What the service accepts: the lists the extension offers, shared rather than copied. The
// extension's '' (let the service choose) is a field left out on the wire, never a value sent.
const SERVICE_ASPECT_RATIOS = ASPECT_RATIOS.filter((ratio) => ratio !== '');
const SERVICE_RESOLUTIONS = RESOLUTIONS.filter((resolution) => resolution !== '');
const DURATIONS = LENGTHS.map((length) => `${length}s`);

/**
 * The request as a job to make, or the service's refusal. `uploaded` tells whether an image key
 * names an upload: that business check comes last, after the DTO validation, as the service does.
 */
export function validateFeature(
  body: unknown,
  uploaded: (key: string) => boolean,
):
  | { ok: true; prompt: string; length: number; promptObject: Record<string, unknown>; conversationId: string }
  | { ok: false; errorCode: string; message: string } {
  const bad = (message: string, errorCode = 'BAD_REQUEST') => ({ ok: false as const, errorCode, message });
  if (!isRecord(body)) return bad('The body must be a JSON object');
  if (body.type !== 'IMAGE_TO_VIDEO') return bad(`type must be "IMAGE_TO_VIDEO" (got ${show(body.type)})`);
  if (body.model !== 'luma') return bad(`model ${show(body.model)} is not supported for IMAGE_TO_VIDEO; use "luma"`, 'UNSUPPORTED_MODEL');
  if (typeof body.conversationId !== 'string' || body.conversationId === '')
    return bad(`conversationId is required (got ${show(body.conversationId)})`);
  const po = body.promptObject;
  if (!isRecord(po)) return bad(`promptObject is required and must be an object (got ${show(po)})`);
  if (typeof po.imageUrl !== 'string' || po.imageUrl === '')
    return bad(`promptObject.imageUrl is required: the path returned by the upload (got ${show(po.imageUrl)})`);
  if (typeof po.prompt !== 'string' || po.prompt.trim() === '')
    return bad(`promptObject.prompt must be a non-empty string (got ${show(po.prompt)})`);
  if (!includes(LENGTHS, po.length)) return bad(`promptObject.length must be the number ${LENGTHS.join(' or ')} (got ${show(po.length)})`);
  if (typeof po.enhancePrompt !== 'boolean') return bad(`promptObject.enhancePrompt must be true or false (got ${show(po.enhancePrompt)})`);
  if (po.modelName === undefined) return bad(`promptObject.modelName is required: one of ${MODEL_NAMES.join(', ')}`);
  if (!includes(MODEL_NAMES, po.modelName)) {
    return bad(`Model ${show(po.modelName)} is not supported; use one of ${MODEL_NAMES.join(', ')}`, 'UNSUPPORTED_MODEL');
  }
  if (!includes(DURATIONS, po.duration)) {
    return bad(`promptObject.duration must be ${DURATIONS.map((d) => `"${d}"`).join(' or ')} (got ${show(po.duration)})`);
  }
  if (po.duration !== `${po.length}s`)
    return bad(`promptObject.duration ${show(po.duration)} does not match promptObject.length ${po.length}`);
  if (po.aspectRatio !== undefined && !includes(SERVICE_ASPECT_RATIOS, po.aspectRatio)) {
    return bad(`promptObject.aspectRatio must be one of ${SERVICE_ASPECT_RATIOS.join(' ')}, or left out (got ${show(po.aspectRatio)})`);
  }
  if (po.resolution !== undefined && !includes(SERVICE_RESOLUTIONS, po.resolution)) {
    return bad(`promptObject.resolution must be one of ${SERVICE_RESOLUTIONS.join(', ')}, or left out (got ${show(po.resolution)})`);
  }
  if (po.loop !== undefined && typeof po.loop !== 'boolean')
    return bad(`promptObject.loop must be true or false, or left out (got ${show(po.loop)})`);
  // Business check last, after the DTO validation, as the service does.
  if (!uploaded(po.imageUrl)) return bad('Image not found');
  return { ok: true, prompt: po.prompt, length: po.length, promptObject: po, conversationId: body.conversationId };
}
