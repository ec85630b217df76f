// Which value of each setting counts, and the range it is held to. No `vscode` import: the host
// hands over what WorkspaceConfiguration.inspect() reports for each key and whether the workspace
// is trusted, so these rules are tested in plain Node.

/** One setting as inspect() reports it: its value in each layer, if set there. */
export interface SettingLayers {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/**
 * Where a setting may take its value from.
 * - `user`: user settings only. The API addresses: whoever sets them receives the key.
 * - `trustedWorkspace`: a workspace's value only once the workspace is trusted. Settings that
 *   spend the key or the quota (polling, concurrency) or choose where files go.
 * - `anywhere`: every layer, as VS Code merges them.
 */
export type Reach = 'user' | 'trustedWorkspace' | 'anywhere';

/** The value that counts: folder over workspace over user over default, skipping the layers `reach` forbids. */
export function effectiveValue(layers: SettingLayers | undefined, reach: Reach, trusted: boolean): unknown {
  if (!layers) return undefined;
  if (reach === 'anywhere' || (reach === 'trustedWorkspace' && trusted)) {
    if (layers.workspaceFolderValue !== undefined) return layers.workspaceFolderValue;
    if (layers.workspaceValue !== undefined) return layers.workspaceValue;
  }
  return layers.globalValue !== undefined ? layers.globalValue : layers.defaultValue;
}

export interface NumberSetting {
  min: number;
  max: number;
  /** Used when the value is not a number at all. */
  fallback: number;
  integer?: boolean;
  reach: Reach;
}

/** The numeric settings, with the ranges and defaults package.json declares (a unit test keeps the two equal). */
export const NUMBER_SETTINGS = {
  maxImageSizeMB: { min: 0.1, max: 100, fallback: 10, reach: 'anywhere' },
  maxConcurrentJobs: { min: 1, max: 10, fallback: 2, integer: true, reach: 'trustedWorkspace' },
  pollIntervalSeconds: { min: 1, max: 60, fallback: 3, reach: 'trustedWorkspace' },
  maxPollIntervalSeconds: { min: 1, max: 300, fallback: 15, reach: 'trustedWorkspace' },
} as const satisfies Record<string, NumberSetting>;

export const STRING_SETTINGS = {
  apiBaseUrl: { fallback: 'https://api.1min.ai', reach: 'user' },
  assetBaseUrl: { fallback: 'https://asset.1min.ai/', reach: 'user' },
  outputFolder: { fallback: '', reach: 'trustedWorkspace' },
} as const satisfies Record<string, { fallback: string; reach: Reach }>;

/** Held to the range: below it the minimum, above it the maximum; not a number, the fallback. */
export function clampNumber(value: unknown, setting: NumberSetting): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return setting.fallback;
  const number = setting.integer ? Math.floor(value) : value;
  return Math.min(setting.max, Math.max(setting.min, number));
}

export interface SettingValues {
  apiBaseUrl: string;
  assetBaseUrl: string;
  /** Empty: beside the image. */
  outputFolder: string;
  maxImageBytes: number;
  maxConcurrentJobs: number;
  /** The first wait between checks on a generation, and the longest (never below the first). */
  pollInitialMs: number;
  pollMaxMs: number;
}

/** The settings as the extension uses them, from inspect() of each key under `lumaVideo.` and the workspace's trust. */
export function resolveSettingValues(inspect: (key: string) => SettingLayers | undefined, trusted: boolean): SettingValues {
  const number = (key: keyof typeof NUMBER_SETTINGS) => {
    const setting: NumberSetting = NUMBER_SETTINGS[key];
    return clampNumber(effectiveValue(inspect(key), setting.reach, trusted), setting);
  };
  const string = (key: keyof typeof STRING_SETTINGS) => {
    const setting = STRING_SETTINGS[key];
    const value = effectiveValue(inspect(key), setting.reach, trusted);
    return typeof value === 'string' && value.trim() ? value.trim() : setting.fallback;
  };
  const pollInitialMs = number('pollIntervalSeconds') * 1000;
  return {
    apiBaseUrl: string('apiBaseUrl'),
    assetBaseUrl: string('assetBaseUrl'),
    outputFolder: string('outputFolder'),
    maxImageBytes: Math.round(number('maxImageSizeMB') * 1024 * 1024),
    maxConcurrentJobs: number('maxConcurrentJobs'),
    pollInitialMs,
    pollMaxMs: Math.max(pollInitialMs, number('maxPollIntervalSeconds') * 1000),
  };
}
