// Every command the extension contributes, by id: the table activate() registers. Each body lives
// beside its kind (opening a form, the key, the jobs of the Generations view).
import * as vscode from 'vscode';
import type { FormServices } from '../form/formPanel';
import type { ApiKeyStore } from '../host/apiKey';
import type { Notifier } from '../host/notices';
import { VIEW_ID } from '../views/generationsView';
import { clearApiKey, setApiKey } from './apiKeyCommands';
import { firstVideo } from './firstVideo';
import { generate } from './generateCommand';
import { jobCommands } from './jobCommands';

/** What the commands act on. */
export interface CommandParts {
  services: FormServices;
  keys: ApiKeyStore;
  /** Where messages and status bar messages go. */
  notifier: Notifier;
  /** Tests may pass a key to Set API Key; a packaged extension never takes one that way. */
  extensionMode: vscode.ExtensionMode;
  /** Where the sample image is copied before a form opens on it (in the extension's global storage). */
  sampleFolder: vscode.Uri;
}

export type CommandTable = Record<string, (...args: unknown[]) => unknown>;

export function commandTable(parts: CommandParts): CommandTable {
  return {
    'lumaVideo.generate': (first?: unknown, selection?: unknown) => generate(parts.services, first, selection),
    'lumaVideo.setApiKey': (key?: unknown) => setApiKey(parts, key),
    'lumaVideo.clearApiKey': () => clearApiKey(parts),
    'lumaVideo.showGenerations': () => vscode.commands.executeCommand(`${VIEW_ID}.focus`),
    'lumaVideo.firstVideo': (which?: unknown) => firstVideo(parts.services, parts.sampleFolder, which),
    ...jobCommands(parts.services),
  };
}

export function registerCommands(table: CommandTable): vscode.Disposable[] {
  return Object.entries(table).map(([id, run]) => vscode.commands.registerCommand(id, run));
}
