// Reading the extension's settings in one place, with the types the rest of the code wants.
import * as vscode from 'vscode';
import { coerceDefaults, GenerationOptions } from '../protocol';
import { DEFAULT_MAX_IMAGE_BYTES } from '../files/imageCheck';
import { DEFAULT_POLL, PollPolicy } from '../jobs/generation';

const SECTION = 'lumaVideo';

export interface Settings {
  apiBaseUrl: string;
  assetBaseUrl: string;
  outputFolder: string;
  maxImageBytes: number;
  /** How many generations run at once (1 to 10). */
  maxConcurrentJobs: number;
  poll: PollPolicy;
  defaults: GenerationOptions;
}

export function readSettings(scope?: vscode.Uri): Settings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  return {
    apiBaseUrl: config.get<string>('apiBaseUrl', 'https://api.1min.ai').trim() || 'https://api.1min.ai',
    assetBaseUrl: config.get<string>('assetBaseUrl', 'https://asset.1min.ai/').trim() || 'https://asset.1min.ai/',
    outputFolder: config.get<string>('outputFolder', '').trim(),
    maxImageBytes: imageLimit(config.get<number>('maxImageSizeMB')),
    maxConcurrentJobs: concurrency(config.get<number>('maxConcurrentJobs')),
    poll: pollPolicy(config.get<number>('pollIntervalSeconds'), config.get<number>('maxPollIntervalSeconds')),
    defaults: coerceDefaults({
      prompt: '',
      length: config.get('defaultLength'),
      enhancePrompt: config.get('enhancePrompt'),
      modelName: config.get('modelName'),
      aspectRatio: config.get('aspectRatio'),
      resolution: config.get('resolution'),
      loop: config.get('loop'),
    }),
  };
}

function imageLimit(megabytes: number | undefined): number {
  return typeof megabytes === 'number' && Number.isFinite(megabytes) && megabytes > 0 ? Math.round(megabytes * 1024 * 1024) : DEFAULT_MAX_IMAGE_BYTES;
}

/** First wait and cap between checks, from seconds in the settings; nonsense falls back to the defaults. */
function pollPolicy(initialSeconds: number | undefined, maxSeconds: number | undefined): PollPolicy {
  const seconds = (value: number | undefined, fallback: number) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value * 1000 : fallback);
  const initialMs = seconds(initialSeconds, DEFAULT_POLL.initialMs);
  return { ...DEFAULT_POLL, initialMs, maxMs: Math.max(initialMs, seconds(maxSeconds, DEFAULT_POLL.maxMs)) };
}

function concurrency(value: number | undefined): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? Math.min(value, 10) : 2;
}
