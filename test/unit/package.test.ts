// The .vsix as a user gets it: `npm run package` is run once, then the archive itself is read. Its
// README is what the Extensions view shows, and that view shows an image only from an https
// address and follows a link only to http(s), mailto or a heading of the same page: a path into
// the package is dropped there (checked in a real workbench by test/ui/listing.test.mjs).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { localized, ManifestStrings, NLS_REFERENCE, stringsIn } from '../support/manifest';
import { readZip } from '../support/zip';

const root = path.resolve(__dirname, '../../..');
const VSIX = path.join(root, 'luma-image-to-video.vsix');
const MAX_VSIX_BYTES = 400 * 1024;

interface Setting {
  description?: string;
  markdownDescription?: string;
  enum?: unknown[];
  enumDescriptions?: string[];
  order?: number;
}
interface Manifest {
  version: string;
  preview?: boolean;
  icon: string;
  categories: string[];
  main: string;
  contributes: {
    configuration: { title: string; order: number; properties: Record<string, Setting> }[];
    views: Record<string, { id: string; icon: string; visibility?: string }[]>;
  };
}

/** The Marketplace's categories, as VS Code lists them (an extension naming another is refused there). */
const CATEGORIES = [
  'AI',
  'Azure',
  'Chat',
  'Data Science',
  'Debuggers',
  'Extension Packs',
  'Education',
  'Formatters',
  'Keymaps',
  'Language Packs',
  'Linters',
  'Machine Learning',
  'Notebooks',
  'Programming Languages',
  'SCM Providers',
  'Snippets',
  'Testing',
  'Themes',
  'Visualization',
  'Other',
];

/** What markdown renders as a link or an image (code is only text), with `image` telling which. */
function targets(markdown: string): { text: string; target: string; image: boolean }[] {
  const prose = markdown.replace(/^```[\s\S]*?^```$/gm, '').replace(/`[^`\n]*`/g, '');
  const found = [...prose.matchAll(/(!?)\[([^\]]*)\]\(([^)\s]+)[^)]*\)/g)].map((m) => ({ text: m[2], target: m[3], image: m[1] === '!' }));
  for (const m of prose.matchAll(/<(img|a)\b[^>]*?\b(?:src|href)=["']([^"']+)["']/gi)) {
    found.push({ text: m[0], target: m[2], image: m[1].toLowerCase() === 'img' });
  }
  return found;
}

/** The anchor a heading gets: lower case, punctuation dropped, spaces as dashes. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .trim()
    .replace(/\s/g, '-');

describe('the .vsix a user installs', function () {
  this.timeout(180_000);
  let files: Map<string, Buffer>;
  let readme: string;
  /** The manifest as an English VS Code shows it: each `%key%` taken from the package.nls.json shipped beside it. */
  let manifest: Manifest;
  let packaged: unknown;
  const shipped = (file: string) => JSON.parse(files.get(`extension/${file}`)?.toString('utf8') ?? 'null') as unknown;

  before(() => {
    execFileSync(process.execPath, [path.join(root, 'scripts/package.mjs')], { cwd: root, stdio: 'pipe' });
    files = readZip(readFileSync(VSIX));
    readme = files.get('extension/readme.md')!.toString('utf8');
    packaged = shipped('package.json');
    manifest = localized(packaged, shipped('package.nls.json') as ManifestStrings) as Manifest;
  });

  it('is under 400 KB', () => {
    const size = statSync(VSIX).size;
    assert.ok(size < MAX_VSIX_BYTES, `the .vsix is ${Math.round(size / 1024)} KB`);
  });

  it("has a README for users: what it does, then install, the key and use, and none of the developers' parts", () => {
    const headings = [...readme.matchAll(/^#{1,3} (.+)$/gm)].map((m) => m[1]);
    assert.deepEqual(headings.slice(0, 4), ['Luma Image to Video', 'Install', 'Getting a 1min.ai API key', 'Use']);
    const firstParagraph = readme.split('\n\n')[1];
    assert.match(firstParagraph, /^Right-click an image in VS Code/);
    for (const developerOnly of ['npm run demo', 'npm test', 'CONTRIBUTING', '<!--', '## Benchmarks', '## Development']) {
      assert.ok(!readme.includes(developerOnly), `the packaged README still has "${developerOnly}"`);
    }
    // Nothing a user of the installed extension cannot run or open: no npm scripts, no source paths.
    const forDevelopers = readme.split('\n').filter((line) => /npm (ci|run|test)|\b(src|test|scripts)\/[\w.-]/.test(line));
    assert.deepEqual(forDevelopers, [], 'lines for developers only');
  });

  it('every image in its README shows in the Extensions view, and every link leads somewhere there', () => {
    const anchors = new Set([...readme.matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1])));
    const found = targets(readme);
    assert.ok(found.length > 0, 'the README has links to check');
    for (const { text, target, image } of found) {
      if (image) {
        assert.match(target, /^https:\/\//, `image "${text}" (${target}): the Extensions view shows README images from https only`);
      } else if (target.startsWith('#')) {
        assert.ok(anchors.has(target.slice(1)), `link "${text}" (${target}) names no heading of the README`);
      } else {
        assert.match(target, /^(https?|mailto):/, `link "${text}" (${target}): a path into the package is no link in the Extensions view`);
      }
    }
  });

  it('ships every file the manifest names: the bundle, a 256×256 PNG icon and a one-colour SVG for the view', () => {
    assert.ok(files.has(`extension/${path.posix.normalize(manifest.main)}`), manifest.main);
    const icon = files.get(`extension/${manifest.icon}`);
    assert.ok(icon, manifest.icon);
    assert.equal(icon.toString('latin1', 1, 4), 'PNG');
    assert.deepEqual([icon.readUInt32BE(16), icon.readUInt32BE(20)], [256, 256]);
    const [view] = manifest.contributes.views.explorer;
    const svg = files.get(`extension/${view.icon}`)?.toString('utf8') ?? '';
    assert.ok(svg.startsWith('<svg'), view.icon);
    const colours = new Set([...svg.matchAll(/(?:fill|stroke)="([^"]+)"/g)].map((m) => m[1]).filter((c) => c !== 'none'));
    assert.equal(colours.size, 1, `one colour, which VS Code replaces with the theme's: ${[...colours].join(', ')}`);
    assert.ok(!/currentColor|<image|gradient/i.test(svg), 'no currentColor, embedded image or gradient');
  });

  it("ships the manifest's words: package.nls.json and each translation, every %key% of its package.json in each", () => {
    const nlsFiles = readdirSync(root).filter((file) => /^package\.nls(\.[\w-]+)?\.json$/.test(file));
    assert.ok(nlsFiles.length >= 4, nlsFiles.join(', '));
    const keys = stringsIn(packaged).flatMap(({ text }) => NLS_REFERENCE.exec(text)?.[1] ?? []);
    assert.ok(keys.length > 70, `${keys.length} strings go through the translations`);
    for (const file of nlsFiles) {
      const inPackage = files.get(`extension/${file}`);
      assert.ok(inPackage?.equals(readFileSync(path.join(root, file))), `${file} is in the .vsix as in the repository`);
      const words = shipped(file) as ManifestStrings;
      assert.deepEqual(
        keys.filter((key) => typeof words[key] !== 'string'),
        [],
        `${file} has words for every key`,
      );
    }
    // The Marketplace's listing (vsce resolves the keys into it) shows the English name and description.
    const listing = files.get('extension.vsixmanifest')?.toString('utf8') ?? '';
    assert.match(listing, /<DisplayName>Luma Image to Video<\/DisplayName>/);
    assert.match(listing, /<Description xml:space="preserve">Turn an image in your workspace into a short video/);
  });

  it("the listing: Marketplace categories that fit, 'preview' while the version is 0.x, the view collapsed at first", () => {
    assert.deepEqual(manifest.categories, ['AI', 'Visualization']);
    for (const category of manifest.categories) assert.ok(CATEGORIES.includes(category), category);
    assert.equal(manifest.preview, manifest.version.startsWith('0.'));
    assert.equal(manifest.contributes.views.explorer[0].visibility, 'collapsed');
  });

  it('settings in two ordered groups, every choice described, every other setting named as a link', () => {
    const groups = manifest.contributes.configuration;
    assert.deepEqual(
      groups.map((g) => [g.title, g.order]),
      [
        ['Service', 1],
        ['Form Defaults', 2],
      ],
    );
    const names = groups.flatMap((g) => Object.keys(g.properties));
    for (const group of groups) {
      const orders = Object.values(group.properties).map((s) => s.order);
      assert.deepEqual(
        orders,
        orders.map((_, i) => i + 1),
        `${group.title}: each setting has its place`,
      );
      for (const [name, setting] of Object.entries(group.properties)) {
        if (setting.enum) assert.equal(setting.enumDescriptions?.length, setting.enum.length, `${name}: a description per value`);
        const text = setting.markdownDescription ?? setting.description ?? '';
        assert.ok(text.length > 0, `${name} has a description`);
        for (const other of names.filter((n) => n !== name && text.includes(n))) {
          assert.ok(setting.markdownDescription?.includes(`\`#${other}#\``), `${name} names ${other}: as a link to it`);
        }
      }
    }
  });
});
