import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  clampNumber,
  NUMBER_SETTINGS,
  NumberSetting,
  resolveSettingValues,
  SettingLayers,
  STRING_SETTINGS,
} from '../../src/util/settingValues';

interface DeclaredSetting {
  default?: unknown;
  minimum?: number;
  maximum?: number;
  type?: string;
  scope?: string;
}

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as {
  capabilities: { untrustedWorkspaces: { supported: unknown; restrictedConfigurations?: string[] } };
  contributes: { configuration: { title: string; properties: Record<string, DeclaredSetting> }[] };
};
/** Every declared setting, from both groups (the service; the form's defaults). */
const declared: Record<string, DeclaredSetting> = Object.assign({}, ...manifest.contributes.configuration.map((group) => group.properties));

/** inspect() as VS Code answers it: the declared default plus the layers given per key. */
function inspector(layers: Record<string, Omit<SettingLayers, 'defaultValue'>>): (key: string) => SettingLayers | undefined {
  return (key) => {
    const setting = declared[`lumaVideo.${key}`];
    return setting ? { defaultValue: setting.default, ...layers[key] } : undefined;
  };
}

/** Every spending setting at 0.001 (s) or 0 (jobs), as the workspace in the issue had them. */
const abusiveWorkspace = {
  pollIntervalSeconds: { workspaceValue: 0.001 },
  maxPollIntervalSeconds: { workspaceValue: 0.001 },
  maxConcurrentJobs: { workspaceFolderValue: 0 },
};

describe('settings: which value counts and its range', () => {
  it('with nothing set, the declared defaults: 3 s growing to 15 s, 2 jobs, 10 MB, the real service', () => {
    assert.deepEqual(resolveSettingValues(inspector({}), true), {
      apiBaseUrl: 'https://api.1min.ai',
      assetBaseUrl: 'https://asset.1min.ai/',
      outputFolder: '',
      maxImageBytes: 10 * 1024 * 1024,
      maxConcurrentJobs: 2,
      pollInitialMs: 3000,
      pollMaxMs: 15_000,
    });
  });

  it('a trusted workspace polling every millisecond is held to the declared minimum of 1 s', () => {
    const values = resolveSettingValues(inspector(abusiveWorkspace), true);
    assert.equal(values.pollInitialMs, 1000);
    assert.equal(values.pollMaxMs, 1000);
    assert.equal(values.maxConcurrentJobs, 1);
  });

  it('Restricted Mode: the polling and concurrency settings take the user value, never the workspace one', () => {
    const values = resolveSettingValues(
      inspector({
        pollIntervalSeconds: { globalValue: 5, workspaceValue: 0.001 },
        maxPollIntervalSeconds: { workspaceValue: 0.001 },
        maxConcurrentJobs: { globalValue: 3, workspaceValue: 10, workspaceFolderValue: 10 },
      }),
      false,
    );
    assert.equal(values.pollInitialMs, 5000, 'the user value');
    assert.equal(values.pollMaxMs, 15_000, 'the default: the workspace value is ignored');
    assert.equal(values.maxConcurrentJobs, 3);
  });

  it('Restricted Mode: the output folder takes the user value; a trusted workspace may choose it', () => {
    const layers = inspector({ outputFolder: { globalValue: 'videos', workspaceFolderValue: '/home/someone/.ssh' } });
    assert.equal(resolveSettingValues(layers, false).outputFolder, 'videos');
    assert.equal(resolveSettingValues(layers, true).outputFolder, '/home/someone/.ssh');
  });

  it('the API and asset addresses come from user settings only, even in a trusted workspace', () => {
    const layers = inspector({
      apiBaseUrl: {
        globalValue: 'http://127.0.0.1:8999',
        workspaceValue: 'https://collector.example',
        workspaceFolderValue: 'https://collector.example',
      },
      assetBaseUrl: { workspaceValue: 'https://collector.example/' },
    });
    for (const trusted of [true, false]) {
      const values = resolveSettingValues(layers, trusted);
      assert.equal(values.apiBaseUrl, 'http://127.0.0.1:8999');
      assert.equal(values.assetBaseUrl, 'https://asset.1min.ai/');
    }
  });

  it('settings that spend nothing take the workspace value in Restricted Mode too (still clamped)', () => {
    const values = resolveSettingValues(inspector({ maxImageSizeMB: { globalValue: 5, workspaceValue: 1000 } }), false);
    assert.equal(values.maxImageBytes, 100 * 1024 * 1024);
  });

  it('the longest poll interval is never below the first one', () => {
    const values = resolveSettingValues(
      inspector({ pollIntervalSeconds: { globalValue: 40 }, maxPollIntervalSeconds: { globalValue: 2 } }),
      true,
    );
    assert.equal(values.pollInitialMs, 40_000);
    assert.equal(values.pollMaxMs, 40_000);
  });

  it('every number is held to its range; what is not a number falls back to the default', () => {
    const range = NUMBER_SETTINGS.maxConcurrentJobs;
    assert.equal(clampNumber(0, range), 1);
    assert.equal(clampNumber(-3, range), 1);
    assert.equal(clampNumber(50, range), 10);
    assert.equal(clampNumber(2.9, range), 2, 'a whole number of jobs, rounded down');
    assert.equal(clampNumber(0.5, range), 1);
    for (const nonsense of ['4', null, true, Number.NaN, Number.POSITIVE_INFINITY, { value: 4 }, undefined]) {
      assert.equal(clampNumber(nonsense, range), 2, String(nonsense));
    }
    assert.equal(clampNumber(0.001, NUMBER_SETTINGS.maxImageSizeMB), 0.1);
    assert.equal(clampNumber(2.5, NUMBER_SETTINGS.pollIntervalSeconds), 2.5, 'fractions stay where the setting is not a whole number');
    assert.equal(clampNumber(1e9, NUMBER_SETTINGS.maxPollIntervalSeconds), 300);
  });

  it('blank or non-text addresses and folders fall back to their defaults; text is trimmed', () => {
    const values = resolveSettingValues(
      inspector({ apiBaseUrl: { globalValue: '   ' }, assetBaseUrl: { globalValue: 42 }, outputFolder: { globalValue: '  clips ' } }),
      true,
    );
    assert.equal(values.apiBaseUrl, 'https://api.1min.ai');
    assert.equal(values.assetBaseUrl, 'https://asset.1min.ai/');
    assert.equal(values.outputFolder, 'clips');
  });

  describe('the manifest says the same', () => {
    it('each numeric setting declares the range and default the code holds it to', () => {
      for (const [key, setting] of Object.entries(NUMBER_SETTINGS)) {
        const entry = declared[`lumaVideo.${key}`];
        assert.ok(entry, key);
        assert.deepEqual(
          { min: entry.minimum, max: entry.maximum, fallback: entry.default, integer: entry.type === 'integer' },
          { min: setting.min, max: setting.max, fallback: setting.fallback, integer: (setting as NumberSetting).integer === true },
          key,
        );
      }
      const numeric = Object.keys(declared).filter(
        (key) => (declared[key].type === 'number' || declared[key].type === 'integer') && declared[key].minimum !== undefined,
      );
      assert.deepEqual(
        numeric.sort(),
        Object.keys(NUMBER_SETTINGS)
          .map((key) => `lumaVideo.${key}`)
          .sort(),
        'every setting with a range is clamped',
      );
    });

    it('the addresses are application-scoped; the settings a workspace may set only when trusted are restricted', () => {
      const untrusted = manifest.capabilities.untrustedWorkspaces;
      assert.equal(untrusted.supported, 'limited', 'restrictedConfigurations only counts with limited support');
      const all = { ...NUMBER_SETTINGS, ...STRING_SETTINGS };
      for (const [key, setting] of Object.entries(all)) {
        const name = `lumaVideo.${key}`;
        assert.equal(
          declared[name].scope === 'application',
          setting.reach === 'user',
          `${name}: application scope exactly when only user settings count`,
        );
        assert.equal(
          untrusted.restrictedConfigurations?.includes(name),
          setting.reach === 'trustedWorkspace',
          `${name}: restricted exactly when a workspace needs trust to set it`,
        );
      }
      for (const key of ['pollIntervalSeconds', 'maxPollIntervalSeconds', 'maxConcurrentJobs', 'outputFolder']) {
        assert.ok(untrusted.restrictedConfigurations?.includes(`lumaVideo.${key}`), key);
      }
      for (const key of ['apiBaseUrl', 'assetBaseUrl']) assert.equal(declared[`lumaVideo.${key}`].scope, 'application', key);
    });
  });
});
