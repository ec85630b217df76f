// The manifest as the real extension host reads it: VS Code resolves each `%key%` of package.json
// from package.nls.json (English here, the workbench's language), so what a user reads is the words,
// never a key.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { localized, ManifestStrings, stringsIn } from '../support/manifest';
import { EXTENSION_ID } from './helpers';

const readJson = async (extension: vscode.Extension<unknown>, file: string): Promise<unknown> =>
  JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extension.extensionUri, file))));

describe("the manifest's words in the extension host", () => {
  it('VS Code shows the English of package.nls.json for every %key% of package.json', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const written = (await readJson(extension, 'package.json')) as Record<string, unknown>;
    const english = (await readJson(extension, 'package.nls.json')) as ManifestStrings;
    const keys = stringsIn(written).filter(({ text }) => /^%[\w.]+%$/.test(text));
    assert.ok(keys.length > 70, `${keys.length} strings of package.json are keys`);
    const expected = localized(written, english);
    const shown = extension.packageJSON as Record<string, unknown>;
    for (const part of ['displayName', 'description', 'capabilities', 'contributes']) {
      assert.deepEqual(shown[part], expected[part], part);
    }
    assert.deepEqual(
      stringsIn(shown.contributes).filter(({ text }) => /^%.*%$/.test(text)),
      [],
      'no key is left unresolved',
    );
  });
});
