// The host's side of translations: which language, which bundle, and the translator every layer's
// `l10n.t` uses (src/shared/l10n.ts). VS Code loads `l10n/bundle.l10n.<language>.json` itself for
// its display language, and the form gets the same bundle in its page (formHtml.ts).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { bundleTranslator, type L10nArgs, type L10nBundle, setTranslator } from '../shared/l10n';

/**
 * Shows the extension in this language without a language pack (which VS Code needs before it
 * loads any bundle): for translators to check their work, and for the tests.
 */
export const PREVIEW_VARIABLE = 'LUMA_VIDEO_L10N_PREVIEW';

export interface Localization {
  /** `en` when texts are English. */
  language: string;
  bundle: L10nBundle | undefined;
}

let current: Localization = { language: 'en', bundle: undefined };

/** What the form is given: the language and the bundle of the host. */
export const localization = (): Localization => current;

/** Called at activation: VS Code's translations, or the bundle the preview variable names. */
export function setUpLocalization(extensionPath: string, env: NodeJS.ProcessEnv = process.env): Localization {
  const preview = env[PREVIEW_VARIABLE];
  const bundle = !vscode.l10n.bundle && preview ? readBundle(extensionPath, preview) : undefined;
  if (preview && bundle) {
    setTranslator(bundleTranslator(bundle));
    current = { language: preview.toLowerCase(), bundle };
  } else {
    setTranslator((message, ...args: L10nArgs) => vscode.l10n.t(message, ...(args as string[])));
    current = { language: vscode.env.language, bundle: vscode.l10n.bundle };
  }
  return current;
}

/** The extension's own bundle for a language ("zh-cn", or "es" for "es-mx"), or undefined. */
export function readBundle(extensionPath: string, language: string): L10nBundle | undefined {
  const lower = language.toLowerCase();
  // A language id only ("es", "zh-cn"): the value may come from an environment variable.
  if (!/^[a-z]{2,3}(-[a-z0-9]{1,8})*$/.test(lower)) return undefined;
  for (const candidate of new Set([lower, lower.split('-')[0]])) {
    try {
      return JSON.parse(readFileSync(path.join(extensionPath, 'l10n', `bundle.l10n.${candidate}.json`), 'utf8')) as L10nBundle;
    } catch {
      // not shipped: try the next, then English
    }
  }
  return undefined;
}
