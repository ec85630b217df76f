// The manifest's words go through VS Code's localization: every string of package.json a user reads
// is a `%key%` with its English in package.nls.json, and each package.nls.<language>.json has the
// same keys, with the links, setting names, code and product names of the English left as they are.
import * as assert from 'node:assert/strict';
import { englishStrings, localized, ManifestStrings, NLS_REFERENCE, rawManifest, stringsIn, translations } from '../support/manifest';

/** Where package.json holds words a user reads: names, titles, descriptions, welcome text, alt text, labels. */
const USER_VISIBLE = new RegExp(
  [
    '^(displayName|description)$',
    '\\.(title|category|name|contextualTitle|label|contents|description|markdownDescription|altText)$',
    '\\.(deprecationMessage|markdownDeprecationMessage)$',
    '\\.(enumDescriptions|markdownEnumDescriptions|enumItemLabels)\\.\\d+$',
  ].join('|'),
);

/** What a translation keeps exactly as in English: setting links, link targets, code spans, `{0}` placeholders. */
function fixedParts(text: string): string[] {
  const patterns = [/#lumaVideo\.\w+#/g, /\]\(([^)\s]+)\)/g, /`[^`\n]*`/g, /\{\d+\}/g];
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[0])).sort();
}

/** Names that stay in English in every language, as do command and setting ids. */
const NAMES = ['Luma', 'Dream Machine', '1min.ai', 'VS Code', 'Markdown', 'PNG', 'JPEG', 'WebP', 'Ray'];

/** Keys whose translation may be the English itself: names and figures. */
const SAME_IN_EVERY_LANGUAGE = new Set([
  'extension.displayName',
  'command.category',
  'view.generations.contextualTitle',
  'config.resolution.enumDescriptions.720p',
]);

/** The differences between a translation and the English, one line each (none: it is complete and faithful). */
function problems(english: ManifestStrings, translated: ManifestStrings): string[] {
  const found: string[] = [];
  for (const key of Object.keys(english)) if (!Object.hasOwn(translated, key)) found.push(`misses ${key}`);
  for (const key of Object.keys(translated))
    if (!Object.hasOwn(english, key)) found.push(`has ${key}, which package.nls.json no longer has`);
  for (const [key, text] of Object.entries(english)) {
    const words = translated[key];
    if (typeof words !== 'string') continue;
    if (words.trim() === '') found.push(`${key} is empty`);
    if (words === text && !SAME_IN_EVERY_LANGUAGE.has(key)) found.push(`${key} is still the English`);
    if (fixedParts(words).join('\n') !== fixedParts(text).join('\n')) {
      found.push(`${key} changes its links or code: ${fixedParts(words).join(' ')} instead of ${fixedParts(text).join(' ')}`);
    }
    if (words.split('\n').length !== text.split('\n').length) found.push(`${key} has other lines (each button is a line of its own)`);
    if (words.split('**').length !== text.split('**').length) found.push(`${key} has other bold text`);
    for (const name of NAMES.filter((n) => text.includes(n) && !words.includes(n))) found.push(`${key} lost the name ${name}`);
  }
  return found;
}

describe("the manifest's words", () => {
  const manifest = rawManifest();
  const english = englishStrings();
  const languages = translations();

  it('every string a user reads in package.json is a %key%', () => {
    const visible = stringsIn(manifest).filter(({ at }) => USER_VISIBLE.test(at));
    assert.ok(visible.length > 70, `found ${visible.length} strings a user reads`);
    const literal = visible.filter(({ keys, text }) => {
      if (NLS_REFERENCE.test(text)) return false;
      // An enum's label that is its own value (`16:9`) is no word to translate.
      if (keys.at(-2) !== 'enumItemLabels') return true;
      const setting = keys.slice(0, -2).reduce<unknown>((inner, key) => (inner as Record<string, unknown>)[key], manifest);
      return text !== String((setting as { enum: unknown[] }).enum[Number(keys.at(-1))]);
    });
    assert.deepEqual(
      literal.map(({ at, text }) => `${at}: ${text}`),
      [],
      'put these in package.nls.json',
    );
  });

  it('every %key% of package.json has its English in package.nls.json, and every key there is used', () => {
    const used = new Set(stringsIn(manifest).flatMap(({ text }) => NLS_REFERENCE.exec(text)?.[1] ?? []));
    const percent = stringsIn(manifest).filter(({ text }) => /^%.*%$/.test(text) && !NLS_REFERENCE.test(text));
    assert.deepEqual(percent, [], 'a key has only letters, digits, _ and dots, or vsce and VS Code leave it as is');
    assert.deepEqual(
      [...used].filter((key) => !Object.hasOwn(english, key)),
      [],
      'keys without English',
    );
    assert.deepEqual(
      Object.keys(english).filter((key) => !used.has(key)),
      [],
      'English no string of package.json uses',
    );
    for (const [key, text] of Object.entries(english)) assert.ok(typeof text === 'string' && text.trim() !== '', key);
  });

  it('English, the language of the workbench the tests see, reads as it always has', () => {
    const shown = localized(manifest, english) as {
      displayName: string;
      contributes: { commands: { command: string; title: string; category: string }[]; views: { explorer: { name: string }[] } };
    };
    assert.equal(shown.displayName, 'Luma Image to Video');
    const generate = shown.contributes.commands.find((c) => c.command === 'lumaVideo.generate');
    assert.deepEqual([generate?.category, generate?.title], ['Luma', 'Generate Video from Image…']);
    assert.equal(shown.contributes.views.explorer[0].name, 'Luma Generations');
    assert.deepEqual(
      stringsIn(shown).filter(({ text }) => /^%.*%$/.test(text)),
      [],
    );
  });

  it('ships Spanish, Simplified Chinese and Japanese', () => {
    for (const language of ['es', 'zh-cn', 'ja']) assert.ok(languages.has(language), `package.nls.${language}.json`);
  });

  it('each translation has every key of package.nls.json and no other, with its links, code and names kept', () => {
    for (const [language, translated] of languages) {
      assert.deepEqual(problems(english, translated), [], `package.nls.${language}.json`);
    }
  });

  it('the check sees a missing key, a key no longer used, a changed link or setting name, and words left in English', () => {
    const [[, translated]] = languages;
    const broken: ManifestStrings = { ...translated, 'command.retired.title': 'x' };
    delete broken['command.generate.title'];
    broken['walkthrough.gettingStarted.step.setApiKey.description'] = translated[
      'walkthrough.gettingStarted.step.setApiKey.description'
    ].replace('command:lumaVideo.setApiKey', 'command:lumaVideo.setKey');
    broken['config.assetBaseUrl.markdownDescription'] = translated['config.assetBaseUrl.markdownDescription'].replace(
      '#lumaVideo.apiBaseUrl#',
      '#lumaVideo.apiUrl#',
    );
    broken['command.job.retry.title'] = english['command.job.retry.title'];
    const found = problems(english, broken);
    for (const expected of [
      /^misses command\.generate\.title$/,
      /^has command\.retired\.title/,
      /^walkthrough\.gettingStarted\.step\.setApiKey\.description changes its links/,
      /^config\.assetBaseUrl\.markdownDescription changes its links/,
      /^command\.job\.retry\.title is still the English$/,
    ]) {
      assert.ok(
        found.some((line) => expected.test(line)),
        `${expected}: ${found.join('; ')}`,
      );
    }
    assert.deepEqual(
      fixedParts('See `#lumaVideo.a#` {0} [B](command:x.y?%5B%5D)'),
      ['](command:x.y?%5B%5D)', '`#lumaVideo.a#`', '#lumaVideo.a#', '{0}'].sort(),
    );
  });
});
