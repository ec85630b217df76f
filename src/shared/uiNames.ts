// The names of the extension's commands and view as VS Code shows them, for messages that tell a
// person where to click. VS Code translates the manifest's titles from package.nls.<language>.json,
// which `l10n.t` cannot read; so each name is also a text of the bundle, and
// test/unit/l10n.test.ts holds the two equal in every language. Imports nothing but l10n.
import { l10n } from './l10n';

export const uiNames = {
  /** As the Command Palette lists it, category first. */
  setApiKeyCommand: () => l10n.t('Luma: Set API Key'),
  generateCommand: () => l10n.t('Luma: Generate Video from Image…'),
  /** As a button or the Explorer's context menu shows it. */
  setApiKey: () => l10n.t('Set API Key'),
  generate: () => l10n.t('Generate Video from Image…'),
  showGenerations: () => l10n.t('Show Generations'),
  retry: () => l10n.t('Retry'),
  generationsView: () => l10n.t('Luma Generations'),
};
