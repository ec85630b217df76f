// Set API Key and Clear API Key: the key goes to SecretStorage only, never to settings or logs.
import { l10n } from '../shared/l10n';
import * as vscode from 'vscode';
import type { CommandParts } from './commandTable';

/** How long "API key saved/cleared" stays in the status bar: a confirmation, not news. */
const CONFIRMATION_MS = 5000;

export async function setApiKey({ keys, services, notifier, extensionMode }: CommandParts, key?: unknown): Promise<void> {
  // Tests may pass the key as an argument; in normal use only the masked input box sets it,
  // so no other extension or command link can swap it silently.
  if (typeof key === 'string' && key.trim() && extensionMode !== vscode.ExtensionMode.Production) await keys.set(key);
  else if (!(await keys.ask())) return;
  services.log.info('API key saved to secret storage.');
  notifier.status(l10n.t('Luma: API key saved.'), CONFIRMATION_MS);
}

export async function clearApiKey({ keys, services, notifier }: CommandParts): Promise<void> {
  await keys.clear();
  services.log.info('API key removed from secret storage.');
  notifier.status(l10n.t('Luma: API key cleared.'), CONFIRMATION_MS);
}
