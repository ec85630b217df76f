// Translations in the real extension host with VS Code in Spanish: started with `--locale es` and a
// language pack for it (scripts/language-pack.mjs), VS Code itself resolves the language, reads the
// manifest from package.nls.es.json and loads l10n/bundle.l10n.es.json as `vscode.l10n.bundle`;
// nothing of the extension chooses the language.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Notice } from '../../../src/host/notifier';
import { generationOptions } from '../../support/fixtures';
import { EXTENSION_ID, until, withSuite, workspaceFile } from '../helpers';

const KEY = 'l10n-key-es';

describe('translations in the extension host: VS Code in Spanish', function () {
  this.timeout(90_000);
  const suite = withSuite(KEY, 200);
  const shownFrom = (start: number): Notice[] => suite.api.notices.slice(start);
  const extensionPath = () => vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
  const manifest = () => JSON.parse(readFileSync(path.join(extensionPath(), 'package.nls.es.json'), 'utf8')) as Record<string, string>;

  it('VS Code runs in Spanish and hands the extension its shipped Spanish bundle', () => {
    assert.equal(vscode.env.language, 'es');
    const shipped = JSON.parse(readFileSync(path.join(extensionPath(), 'l10n', 'bundle.l10n.es.json'), 'utf8')) as Record<string, string>;
    assert.deepEqual(vscode.l10n.bundle, shipped);
    assert.equal(vscode.l10n.t('Generate'), 'Generar');
  });

  it('the manifest is read in Spanish: the command titles VS Code lists', () => {
    type Title = string | { value: string; original: string };
    const commands = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.commands as { command: string; title: Title }[];
    const title = commands.find((command) => command.command === 'lumaVideo.setApiKey')?.title;
    // VS Code keeps the English beside the translation (the Command Palette finds a command by either).
    assert.equal(typeof title === 'object' ? title.value : title, manifest()['command.setApiKey.title']);
    assert.equal(manifest()['command.setApiKey.title'], 'Establecer clave de API');
  });

  it('the status bar confirmation and a failed job message, whose words come from the client and the job machine', async () => {
    const start = suite.api.notices.length;
    await vscode.commands.executeCommand('lumaVideo.setApiKey', 'not-the-key');
    const image = workspaceFile('cat.png');
    await vscode.commands.executeCommand('lumaVideo.generate', image);
    const form = await until('the form', () => suite.api.formFor(image));
    await form.messages.receive({ type: 'generate', id: 1, options: { ...generationOptions, prompt: 'en español' } });
    await form.whenIdle();
    const failed = await until('the failure message', () => shownFrom(start).find((notice) => notice.kind === 'error'));
    assert.deepEqual(shownFrom(start)[0], { kind: 'status', text: 'Luma: clave de API guardada.' });
    // The command it sends the person to is named as the Command Palette lists it in Spanish.
    const palette = `${manifest()['command.category']}: ${manifest()['command.setApiKey.title']}`;
    assert.match(failed.text, /^Luma: cat\.png: 1min\.ai no aceptó tu clave de API\b/);
    assert.ok(failed.text.includes(`"${palette}"`), failed.text);
    assert.deepEqual(failed.actions, [manifest()['command.setApiKey.title']]);
    await vscode.commands.executeCommand('lumaVideo.setApiKey', KEY);
  });

  it("the form's page carries the Spanish bundle and says its language", async () => {
    const image = workspaceFile('beach.jpg');
    await vscode.commands.executeCommand('lumaVideo.generate', image);
    const form = await until('the form', () => suite.api.formFor(image));
    const html = form.panel.webview.html;
    assert.match(html, /<html lang="es">/);
    const block = /<script type="application\/json" id="l10n-bundle" nonce="[^"]+">([^<]*)<\/script>/.exec(html);
    assert.ok(block, 'the bundle is in the page');
    const bundle = JSON.parse(block[1]) as Record<string, string>;
    assert.equal(bundle.Generate, 'Generar');
    assert.ok(bundle['Describe what should move, for example "the waves roll in slowly".'].startsWith('Describe qué'));
  });
});
