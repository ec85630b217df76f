// Shared by the plain-Node suites: fixtures, a log that keeps its lines, and the LumaError a promise
// rejects with.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LumaError } from '../../src/util/lumaError';
import type { GenerationOptions } from '../../src/shared/options';
import type { Logger } from '../../src/util/log';

const root = path.resolve(__dirname, '../../..');
export const sampleVideo = readFileSync(path.join(root, 'test/simulator/sample.mp4'));
export const catPng = new Uint8Array(readFileSync(path.join(root, 'test/fixtures/workspace/cat.png')));
export const generationOptions: GenerationOptions = {
  prompt: 'the camera slowly zooms in',
  length: 5,
  enhancePrompt: true,
  modelName: 'ray-v2',
  aspectRatio: '',
  resolution: '',
  loop: false,
};

/** A logger that keeps every line, whatever its level; `lines.length = 0` empties it. */
export function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (message: string) => void lines.push(message);
  return { lines, trace: keep, debug: keep, info: keep, warn: keep, error: keep };
}

export async function rejection(promise: Promise<unknown>): Promise<LumaError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof LumaError, `expected a LumaError, got ${error}`);
    return error;
  }
  assert.fail('expected a failure');
}
