// Translations in the real extension host. This served VS Code has no language pack, so its display
// language stays English whatever `--locale` or argv.json says, and VS Code loads no bundle
// (`vscode.l10n.bundle` is undefined): the suite switches the language through the extension's
// preview lookup (src/host/l10n.ts, the same one LUMA_VIDEO_L10N_PREVIEW drives), which reads
// l10n/bundle.l10n.<language>.json as shipped and hands it to every layer and to the form's page.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Notice } from '../../src/host/notifier';
import { generationOptions } from '../support/fixtures';
import { until, withSuite, workspaceFile } from './helpers';

const KEY = 'l10n-key-3';

describe('translations in the extension host', function () {
  this.timeout(90_000);
  const suite = withSuite(KEY, 200);
  const preview = (language: string) => {
    assert.ok(suite.api.previewLanguage, 'the test API offers previewLanguage under test');
    return suite.api.previewLanguage(language);
  };
  afterEach(() => preview('en'));
  const shownFrom = (start: number): Notice[] => suite.api.notices.slice(start);

  it('without a language pack VS Code is English and loads no bundle: texts are English', async () => {
    assert.equal(vscode.env.language, 'en');
    assert.equal(vscode.l10n.bundle, undefined);
    const start = suite.api.notices.length;
    await vscode.commands.executeCommand('lumaVideo.setApiKey', KEY);
    assert.deepEqual(shownFrom(start), [{ kind: 'status', text: 'Luma: API key saved.' }]);
  });

  it('in Spanish: the status bar confirmation and a failed job message, whose words come from the client and the job machine', async () => {
    const localization = preview('es');
    assert.equal(localization.language, 'es');
    assert.equal(localization.bundle?.['Luma: API key saved.'], 'Luma: clave de API guardada.');
    const start = suite.api.notices.length;
    await vscode.commands.executeCommand('lumaVideo.setApiKey', 'not-the-key');
    const image = workspaceFile('cat.png');
    await vscode.commands.executeCommand('lumaVideo.generate', image);
    const form = await until('the form', () => suite.api.formFor(image));
    await form.messages.receive({ type: 'generate', id: 1, options: { ...generationOptions, prompt: 'en español' } });
    await form.whenIdle();
    const failed = await until('the failure message', () => shownFrom(start).find((notice) => notice.kind === 'error'));
    assert.deepEqual(shownFrom(start)[0], { kind: 'status', text: 'Luma: clave de API guardada.' });
    assert.match(failed.text, /^Luma: cat\.png: 1min\.ai no aceptó tu clave de API\b.*Configura una clave válida con "Luma: Set API Key"/);
    assert.deepEqual(failed.actions, ['Configurar clave de API']);
    await vscode.commands.executeCommand('lumaVideo.setApiKey', KEY);
  });

  it("the form's page carries the Spanish bundle and says its language", async () => {
    preview('es');
    const image = workspaceFile('beach.jpg');
    await vscode.commands.executeCommand('lumaVideo.generate', image);
    const form = await until('the form', () => suite.api.formFor(image));
    const html = form.panel.webview.html;
    assert.match(html, /<html lang="es">/);
    const block = /<script type="application\/json" id="l10n-bundle" nonce="[^"]+">([^<]*)<\/script>/.exec(html);
    assert.ok(block, 'the bundle is in the page');
    const bundle = JSON.parse(block[1]) as Record<string, string>;
    assert.equal(bundle.Generate, 'Generar');
    assert.equal(bundle['Describe what should move, for example "the waves roll in slowly".'].startsWith('Describe qué'), true);
    assert.equal(form.panel.title, 'Luma: beach.jpg');
  });

  it("a regional language takes its language's bundle; one not shipped stays English", () => {
    assert.equal(preview('es-MX').bundle?.Generate, 'Generar');
    assert.equal(preview('zh-CN').bundle?.Generate, '生成');
    const unknown = preview('xx');
    assert.equal(unknown.bundle, undefined);
    assert.equal(unknown.language, 'en');
  });
});
