// Reading the extension's settings in one place, with the types the rest of the code wants.
import * as vscode from 'vscode';
import { coerceDefaults, GenerationOptions } from '../protocol';
import { DEFAULT_MAX_IMAGE_BYTES } from '../files/imageCheck';

export const SECTION = 'lumaVideo';

export interface Settings {
  apiBaseUrl: string;
  assetBaseUrl: string;
  outputFolder: string;
  maxImageBytes: number;
  defaults: GenerationOptions;
}

export function readSettings(scope?: vscode.Uri): Settings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  return {
    apiBaseUrl: config.get<string>('apiBaseUrl', 'https://api.1min.ai').trim() || 'https://api.1min.ai',
    assetBaseUrl: config.get<string>('assetBaseUrl', 'https://asset.1min.ai/').trim() || 'https://asset.1min.ai/',
    outputFolder: config.get<string>('outputFolder', '').trim(),
    maxImageBytes: imageLimit(config.get<number>('maxImageSizeMB')),
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
