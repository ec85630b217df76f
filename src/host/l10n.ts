// The host's side of translations: VS Code loads `l10n/bundle.l10n.<language>.json` itself for its
// display language (given a language pack for it); this hands VS Code's translator to every
// layer's `l10n.t` (src/shared/l10n.ts), and the language and bundle to the form's page (formHtml.ts).
import * as vscode from 'vscode';
import { type L10nArgs, type L10nBundle, setTranslator } from '../shared/l10n';

export interface Localization {
  /** `en` when texts are English. */
  language: string;
  bundle: L10nBundle | undefined;
}

let current: Localization = { language: 'en', bundle: undefined };

/** What the form is given: the language and the bundle of the host. */
export const localization = (): Localization => current;

/** Called at activation. */
export function setUpLocalization(): Localization {
  setTranslator((message, ...args: L10nArgs) => vscode.l10n.t(message, ...(args as string[])));
  current = { language: vscode.env.language, bundle: vscode.l10n.bundle };
  return current;
}
