// Translations in the real extension host, in English: VS Code's display language is English, it
// loads no bundle (`vscode.l10n.bundle` is undefined), and the texts are the source's English.
// The same in Spanish, with VS Code started in that language: test/integration/spanish.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { until, withSuite, workspaceFile } from './helpers';

const KEY = 'l10n-key-3';

describe('translations in the extension host: English', function () {
  this.timeout(90_000);
  const suite = withSuite(KEY, 200);

  it('VS Code is English and loads no bundle: the status bar says the English words', async () => {
    assert.equal(vscode.env.language, 'en');
    assert.equal(vscode.l10n.bundle, undefined);
    const start = suite.api.notices.length;
    await vscode.commands.executeCommand('lumaVideo.setApiKey', KEY);
    assert.deepEqual(suite.api.notices.slice(start), [{ kind: 'status', text: 'Luma: API key saved.' }]);
  });

  it("the form's page says its language is English and carries an empty bundle", async () => {
    const image = workspaceFile('beach.jpg');
    await vscode.commands.executeCommand('lumaVideo.generate', image);
    const form = await until('the form', () => suite.api.formFor(image));
    const html = form.panel.webview.html;
    assert.match(html, /<html lang="en">/);
    assert.match(html, /<script type="application\/json" id="l10n-bundle" nonce="[^"]+">\{\}<\/script>/, 'an empty bundle');
  });
});
