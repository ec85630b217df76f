// The webview's entry: the form in this page, talking to VS Code.
import * as l10n from '@vscode/l10n';
import { setTranslator } from '../src/shared/l10n';
import { createForm } from './form';
import type { VsCodeApi } from './savedState';

declare function acquireVsCodeApi(): VsCodeApi;

// The host puts its bundle in the page (src/form/formHtml.ts): `{}` when the texts are English.
l10n.config({ contents: document.getElementById('l10n-bundle')?.textContent || '{}' });
setTranslator((message, ...args) => l10n.t(message, ...(args as string[])));
createForm(acquireVsCodeApi(), document);
