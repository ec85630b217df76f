// Translations: the export is what the source says, every language has exactly its keys with the
// same placeholders, and the translator every layer calls gives English by default (byte for byte
// what the texts were) and the bundle's language once set.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { bundleTranslator, format, l10n, type L10nBundle, setTranslator } from '../../src/shared/l10n';
import { validateOptions } from '../../src/shared/options';
import { stopWaitingQuestion } from '../../src/jobs/questions';
import type { JobRecord } from '../../src/jobs/job';
import { httpError } from '../../src/onemin/errors';
import { uiNames } from '../../src/shared/uiNames';

const root = path.resolve(__dirname, '../../..');
const folder = path.join(root, 'l10n');
/** A CommonJS test loading the ES module collector (tsc would turn import() into require()). */
const load = new Function('file', 'return import(file)') as (file: string) => Promise<Exporter>;
interface Exporter {
  collect(): Record<string, string>;
  serialize(bundle: Record<string, string>): string;
  messagesOf(source: string, file?: string): string[];
}
const exporter = () => load(path.join(root, 'scripts', 'l10n-export.mjs'));
const read = (name: string) => JSON.parse(readFileSync(path.join(folder, name), 'utf8')) as L10nBundle;
const readJson = <T>(name: string) => JSON.parse(readFileSync(path.join(root, name), 'utf8')) as T;
const englishManifest = readJson<Record<string, string>>('package.nls.json');
const exported = read('bundle.l10n.json');
const LANGUAGES = ['es', 'zh-cn', 'ja'] as const;
/** The words each language says money with: charged or paid for, and "nothing was charged / sent". */
const MONEY_WORDS: Record<(typeof LANGUAGES)[number], { paid: RegExp; nothing: RegExp }> = {
  es: { paid: /cobr|pag/i, nothing: /no se cobró nada|no se envió nada/i },
  'zh-cn': { paid: /扣费|付费/, nothing: /没有扣费|未扣费|未.{0,8}发送任何内容|没有发送任何内容/ },
  ja: { paid: /課金|支払/, nothing: /課金されていません|何も送信していません/ },
};
const placeholders = (text: string) => [...new Set(text.match(/\{[^{}]+\}/g) ?? [])].sort();

describe('translations', () => {
  afterEach(() => setTranslator(undefined));

  it('l10n/bundle.l10n.json is the export of the source as it is now (node scripts/l10n-export.mjs)', async () => {
    const { collect, serialize } = await exporter();
    assert.equal(readFileSync(path.join(folder, 'bundle.l10n.json'), 'utf8'), serialize(collect()));
    assert.ok(Object.keys(exported).length > 250, 'the export found the texts');
  });

  it('the collector joins literals split with +, skips comments and refuses a text it cannot read', async () => {
    const { messagesOf } = await exporter();
    const source = '// l10n.t(x)\nconst a = l10n.t(\n  \'one \' +\n    "two {0}",\n  n,\n);\nvscode.l10n.t(`three`);\n';
    assert.deepEqual(messagesOf(source), ['one two {0}', 'three']);
    assert.throws(() => messagesOf('l10n.t(text)', 'x.ts'), /x\.ts: l10n\.t without a string literal/);
    assert.throws(() => messagesOf('l10n.t(`a ${b}`)'), /template/);
  });

  it('ships exactly these bundles: the export and one per language', () => {
    const files = readdirSync(folder).sort();
    assert.deepEqual(files, ['bundle.l10n.es.json', 'bundle.l10n.ja.json', 'bundle.l10n.json', 'bundle.l10n.zh-cn.json']);
    assert.match(readFileSync(path.join(root, '.vscodeignore'), 'utf8'), /^!l10n\/\*\.json$/m);
  });

  for (const language of LANGUAGES) {
    describe(`bundle.l10n.${language}.json`, () => {
      const bundle = read(`bundle.l10n.${language}.json`);

      it('has every key of the export and none that no longer exists', () => {
        const missing = Object.keys(exported).filter((key) => !(key in bundle));
        const stale = Object.keys(bundle).filter((key) => !(key in exported));
        assert.deepEqual({ missing, stale }, { missing: [], stale: [] });
      });

      it('keeps the placeholders of each text, and no text is left empty', () => {
        for (const [key, value] of Object.entries(bundle)) {
          const text = typeof value === 'string' ? value : value.message;
          assert.ok(text.trim() !== '' || key.trim() === '', `empty: ${key}`);
          assert.deepEqual(placeholders(text), placeholders(key), `${language}: ${key} → ${text}`);
        }
      });

      it('keeps the names a person looks for: setting ids, the output channel, 1min.ai, addresses', () => {
        for (const [key, value] of Object.entries(bundle)) {
          const text = typeof value === 'string' ? value : value.message;
          for (const name of key.match(/lumaVideo\.\w+|"Luma Image to Video"|1min\.ai|https:\/\/\S+\w/g) ?? [])
            assert.ok(text.includes(name), `${language}: "${name}" missing from ${text}`);
        }
      });

      it('says what English says about money: charged or paid where it says so, "nothing was charged" only where it does', () => {
        const { paid, nothing } = MONEY_WORDS[language];
        for (const [key, value] of Object.entries(bundle)) {
          const text = typeof value === 'string' ? value : value.message;
          const saysNothing = /nothing was charged|so nothing was sent/i.test(key);
          if (saysNothing) assert.match(text, nothing, `${language}: ${key} → ${text}`);
          else {
            assert.doesNotMatch(text, nothing, `${language}: says nothing was charged where English does not: ${key} → ${text}`);
            if (/charged|paid for|paying again/i.test(key)) assert.match(text, paid, `${language}: ${key} → ${text}`);
          }
        }
      });

      it('names a command or the view as VS Code shows it: a text the manifest also has is translated the same way', () => {
        const manifest = readJson<Record<string, string>>(`package.nls.${language}.json`);
        const text = (key: string) => {
          const value = bundle[key];
          return typeof value === 'string' ? value : value?.message;
        };
        const shared = Object.entries(englishManifest).filter(([, english]) => english in bundle);
        for (const [key, english] of shared) assert.equal(text(english), manifest[key], `${language}: "${english}" (${key})`);
        for (const [key, english] of Object.entries(englishManifest).filter(([key]) => /^command\.[\w.]+\.title$/.test(key))) {
          const listed = `${englishManifest['command.category']}: ${english}`;
          if (listed in bundle) assert.equal(text(listed), `${manifest['command.category']}: ${manifest[key]}`, `${language}: "${listed}"`);
        }
        const named = Object.values(uiNames).map((name) => name());
        assert.ok(
          named.every((english) => english in bundle),
          'every name in src/shared/uiNames.ts is in the bundle',
        );
        setTranslator(bundleTranslator(bundle));
        const palette = `${manifest['command.category']}: ${manifest['command.setApiKey.title']}`;
        const keyRefused = httpError(401, {}, 'uploading the image').message;
        assert.ok(keyRefused.includes(`"${palette}"`), `${language}: ${keyRefused} names "${palette}" as the Command Palette lists it`);
        assert.ok(shared.length >= 8, 'the names the messages use are among them');
      });
    });
  }

  it('by default a text is English with its placeholders filled in, as before translations existed', () => {
    assert.equal(l10n.t('Luma: {0} is ready.', 'cat.mp4'), 'Luma: cat.mp4 is ready.');
    assert.equal(l10n.t('{0} of {1} videos are ready', 2, 3), '2 of 3 videos are ready');
    assert.equal(format('{name} and {0}', { name: 'a' }), 'a and {0}');
    assert.equal(format('kept {9}', 'x'), 'kept {9}');
    const invalid = validateOptions({
      prompt: '',
      length: 7,
      enhancePrompt: true,
      modelName: 'ray-v2',
      aspectRatio: '',
      resolution: '',
      loop: 0,
    });
    assert.deepEqual(invalid.ok ? {} : invalid.errors, {
      prompt: 'Describe what should move, for example "the waves roll in slowly".',
      length: 'Choose 5 s or 10 s.',
      loop: 'Tick or clear "Loop".',
    });
  });

  it('with a language set, the layers that cannot import vscode speak it too (options, questions)', () => {
    setTranslator(bundleTranslator(read('bundle.l10n.es.json')));
    const invalid = validateOptions({
      prompt: 'x'.repeat(2001),
      length: 5,
      enhancePrompt: true,
      modelName: 'ray-v2',
      aspectRatio: '',
      resolution: '',
    });
    assert.deepEqual(invalid.ok ? {} : invalid.errors, {
      prompt: 'El prompt tiene 2001 caracteres; acórtalo a 2000 o menos.',
      loop: 'Marca o desmarca «Bucle».',
    });
    const question = stopWaitingQuestion({ imageName: 'lake.jpg' } as JobRecord);
    assert.equal(question.message, '¿Dejar de esperar el vídeo de lake.jpg?');
    assert.equal(question.confirm, 'Dejar de esperar');
    setTranslator(undefined);
    assert.equal(stopWaitingQuestion({ imageName: 'lake.jpg' } as JobRecord).confirm, 'Stop Waiting');
  });

  it('a text the bundle lacks stays English; an entry with a comment is read by its message', () => {
    const translate = bundleTranslator({ 'Generate Video': { message: 'Generar vídeo', comment: ['a button'] } });
    assert.equal(translate('Generate Video'), 'Generar vídeo');
    assert.equal(translate('Luma: {0} running', 2), 'Luma: 2 running');
    assert.equal(translate('toString'), 'toString');
  });
});
