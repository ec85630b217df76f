// No English left in the form that the translations cannot reach: with a bundle that marks every
// text of the export (⟪…⟫), every text the form shows, in each layout and state, is a marked text
// or a value from the host (an image's name, a number, a model's id). A literal string that skipped
// `l10n.t` shows up unmarked and fails here.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { bundleTranslator, setTranslator } from '../../../src/shared/l10n';
import { image, job, Page } from './page';

const exported = JSON.parse(readFileSync(path.resolve(__dirname, '../../../../l10n/bundle.l10n.json'), 'utf8')) as Record<string, string>;
const marked = Object.fromEntries(Object.keys(exported).map((key) => [key, `⟪${key}⟫`]));
/** Values the host or the options give, never translated: names, numbers, times, model ids, ratios, resolutions. */
const VALUES = /[\w-]+\.(png|jpe?g|webp|mp4)|ray-[\w-]+|\d+p\b|\d+:\d+|\d+(\.\d+)?|[\s.,:;%()/·…–—-]+/g;

/** Every text and every attribute a person reads or hears, with what is left once marked texts and values are taken out. */
function unmarked(page: Page): string[] {
  const found: string[] = [];
  const check = (text: string, where: string) => {
    let rest = text;
    for (let before = ''; before !== rest;) [before, rest] = [rest, rest.replace(/⟪[^⟪⟫]*⟫/g, '')];
    rest = rest.replace(VALUES, '');
    if (rest.trim() !== '') found.push(`${where}: ${JSON.stringify(text)}`);
  };
  const walker = page.document.createTreeWalker(page.document.body, 4 /* text */);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) check(node.textContent ?? '', node.parentElement?.tagName ?? '?');
  for (const element of page.document.body.querySelectorAll('*'))
    for (const name of ['placeholder', 'aria-label', 'title', 'alt']) {
      const text = element.getAttribute(name);
      // A preset's or recent prompt's title shows the prompt it puts in the field, as it will be sent.
      if (text !== null && !(name === 'title' && text === element.getAttribute('value'))) check(text, `${element.tagName}[${name}]`);
    }
  return found;
}

describe('webview form: every text goes through the translations', () => {
  let page: Page;
  before(() => setTranslator(bundleTranslator(marked)));
  after(() => setTranslator(undefined));
  afterEach(() => page.close());

  const video = { src: 'https://file.test/w/cat.luma.mp4', name: 'cat.luma.mp4' };
  const hostError = { message: '⟪a message the host translated⟫' };

  it('one image: empty, with its errors, in each stage of a job, and done', () => {
    page = new Page();
    const cat = image('cat.png');
    page.init([cat]);
    page.submit();
    const seen = [...unmarked(page)];
    for (const view of [
      job('queued'),
      job('uploading'),
      job('generating', { accepted: true }),
      job('downloading', { accepted: true, progress: { received: 1_000_000, total: 4_000_000 } }),
      job('failed', { error: { ...hostError, remedy: 'setApiKey' } }),
      job('failed', { error: hostError, fetchable: true, accepted: true }),
      job('cancelled', { note: hostError.message }),
      job('done', { video }),
    ]) {
      page.send({ type: 'job', imageUri: cat.uri, job: view });
      seen.push(...unmarked(page));
    }
    assert.deepEqual(seen, []);
  });

  it('a batch: its cards, the per-image prompts and the summary in each stage', () => {
    page = new Page();
    const images = [image('a.png'), image('b.png'), image('c.png')];
    page.init(images);
    page.submit();
    const seen = [...unmarked(page)];
    page.send({ type: 'job', imageUri: images[0].uri, job: job('generating', { accepted: true }) });
    page.send({ type: 'job', imageUri: images[1].uri, job: job('queued') });
    page.send({ type: 'job', imageUri: images[2].uri, job: job('failed', { error: hostError }) });
    seen.push(...unmarked(page));
    page.send({ type: 'job', imageUri: images[0].uri, job: job('done', { video }) });
    page.send({ type: 'job', imageUri: images[1].uri, job: job('cancelled', { note: hostError.message }) });
    seen.push(...unmarked(page));
    assert.deepEqual(seen, []);
  });
});
