// Reading the extension's settings in one place, with the types the rest of the code wants. Which
// layer counts and the ranges are decided in util/settingValues.ts; this only asks VS Code.
import * as vscode from 'vscode';
import { coerceDefaults, GenerationOptions } from '../shared/options';
import { DEFAULT_POLL, PollPolicy } from '../jobs/generation';
import { resolveSettingValues, SettingLayers } from '../util/settingValues';

const SECTION = 'lumaVideo';

export interface Settings {
  apiBaseUrl: string;
  assetBaseUrl: string;
  outputFolder: string;
  maxImageBytes: number;
  /** Scale down images within the size limit whose long side is over what the video uses. */
  shrinkLargeImages: boolean;
  /** How many generations run at once (1 to 10). */
  maxConcurrentJobs: number;
  poll: PollPolicy;
  defaults: GenerationOptions;
}

export function readSettings(scope?: vscode.Uri): Settings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  // inspect(), not get(): in Restricted Mode the settings that spend the key take no workspace
  // value, whether or not VS Code already dropped it (restrictedConfigurations).
  const values = resolveSettingValues((key): SettingLayers | undefined => config.inspect(key), vscode.workspace.isTrusted);
  return {
    apiBaseUrl: values.apiBaseUrl,
    assetBaseUrl: values.assetBaseUrl,
    outputFolder: values.outputFolder,
    maxImageBytes: values.maxImageBytes,
    shrinkLargeImages: config.get('shrinkLargeImages') !== false,
    maxConcurrentJobs: values.maxConcurrentJobs,
    poll: { ...DEFAULT_POLL, initialMs: values.pollInitialMs, maxMs: values.pollMaxMs },
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
