// A display language for the served VS Code of the tests and the demo. VS Code shows another
// language only when a language pack for it is installed; the real ones come from the Marketplace,
// which is out of reach offline. This builds a stand-in pack for one language whose translation
// of VS Code's own texts is empty (so the workbench's own words stay English), installs it like
// any .vsix, and records it the way VS Code does when it installs a language pack from its UI
// (`languagepacks.json` in the user data folder; the command line's --install-extension does not
// write it). From there on it is VS Code's own path: `--locale` resolves to the language, the
// manifest is read from package.nls.<language>.json, and the extension host's `vscode.l10n`
// loads l10n/bundle.l10n.<language>.json.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createVSIX } from '@vscode/vsce';

const PUBLISHER = 'luma-video-tests';

/** Builds the stand-in pack for `language` ("es", "zh-cn") under `folder`, once; returns the .vsix. */
export async function languagePackVsix(language, folder) {
  if (!/^[a-z]{2,3}(-[a-z0-9]{2,8})?$/.test(language)) throw new Error(`not a language id: ${language}`);
  const manifest = {
    name: `language-pack-${language}`,
    displayName: `Test language pack (${language})`,
    description: `Runs VS Code in ${language} for the tests; VS Code's own texts stay English.`,
    publisher: PUBLISHER,
    version: '0.0.1',
    license: 'MIT',
    engines: { vscode: '^1.90.0' },
    categories: ['Language Packs'],
    files: ['translations'],
    contributes: {
      localizations: [
        { languageId: language, languageName: language, translations: [{ id: 'vscode', path: './translations/main.i18n.json' }] },
      ],
    },
  };
  // Named by its manifest, so a changed one is built afresh; built under a temporary name and
  // renamed, so an interrupted build never leaves a broken pack that later runs would reuse.
  const hash = createHash('sha256').update(JSON.stringify(manifest)).digest('hex').slice(0, 12);
  const vsix = path.join(folder, `language-pack-${language}-${hash}.vsix`);
  if (existsSync(vsix)) return vsix;
  const source = mkdtempSync(path.join(folder, `language-pack-${language}-`));
  mkdirSync(path.join(source, 'translations'), { recursive: true });
  writeFileSync(path.join(source, 'package.json'), JSON.stringify(manifest, null, 1));
  writeFileSync(path.join(source, 'translations', 'main.i18n.json'), JSON.stringify({ version: '1.0.0', contents: {} }));
  writeFileSync(path.join(source, 'README.md'), `# Test language pack (${language})\n`);
  writeFileSync(path.join(source, 'LICENSE'), 'MIT\n');
  const building = `${source}.vsix`;
  try {
    await createVSIX({ cwd: source, packagePath: building, allowMissingRepository: true, skipLicense: true });
    renameSync(building, vsix);
  } finally {
    rmSync(source, { recursive: true, force: true });
    rmSync(building, { force: true });
  }
  return vsix;
}

/**
 * Installs the stand-in pack for `language` into a VS Code's folders and records it in
 * `languagepacks.json`, as VS Code's language pack service writes it.
 */
export async function installLanguagePack({ codeServer, env, language, userData, extensions, cache }) {
  const vsix = await languagePackVsix(language, cache);
  execFileSync(codeServer, ['--install-extension', vsix, '--user-data-dir', userData, '--extensions-dir', extensions], {
    env,
    stdio: 'pipe',
  });
  const id = `${PUBLISHER}.language-pack-${language}`;
  const installed = readdirSync(extensions).find((name) => name.startsWith(`${id}-`));
  if (!installed) throw new Error(`the language pack ${id} was not installed`);
  const version = '0.0.1';
  const file = path.join(userData, 'languagepacks.json');
  let packs = {};
  try {
    packs = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // none recorded yet
  }
  packs = {
    ...packs,
    [language]: {
      hash: createHash('md5').update(id).update(version).digest('hex'),
      extensions: [{ extensionIdentifier: { id }, version }],
      translations: { vscode: path.join(extensions, installed, 'translations', 'main.i18n.json') },
      label: language,
    },
  };
  writeFileSync(file, JSON.stringify(packs));
}
