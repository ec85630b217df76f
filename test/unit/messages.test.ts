import * as assert from 'node:assert/strict';
import { coerceDefaults, GenerationOptions, MAX_PROMPT_LENGTH, validateBatch, validateOptions } from '../../src/shared/options';
import { isRequestId, parseWebviewMessage } from '../../src/shared/messages';
import { generationOptions } from '../support/fixtures';

const valid: GenerationOptions = { ...generationOptions, prompt: 'the waves roll in' };

describe('protocol', () => {
  it('accepts a valid form and trims the prompt', () => {
    const result = validateOptions({ ...valid, prompt: '  the waves roll in \n' });
    assert.deepEqual(result, { ok: true, options: valid });
  });

  it('says what to do for each bad field, including values injected past the form', () => {
    const result = validateOptions({
      prompt: '   ',
      length: 7,
      enhancePrompt: 'yes',
      modelName: 'ray-v9',
      aspectRatio: '2:1',
      resolution: '4k',
      loop: 1,
    });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.match(result.errors.prompt ?? '', /Describe what should move/);
    assert.match(result.errors.length ?? '', /5 s or 10 s/);
    assert.ok(
      result.errors.enhancePrompt && result.errors.modelName && result.errors.aspectRatio && result.errors.resolution && result.errors.loop,
    );
  });

  it('refuses a prompt longer than the service takes', () => {
    const result = validateOptions({ ...valid, prompt: 'x'.repeat(MAX_PROMPT_LENGTH + 1) });
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.errors.prompt ?? '', /shorten it to 2000/);
  });

  it('drops unknown or malformed webview messages', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.equal(parseWebviewMessage({ type: 'deleteEverything' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'cancel', extra: 1 }), undefined);
    assert.equal(parseWebviewMessage('generate'), undefined);
    assert.equal(parseWebviewMessage({ type: 'generate', options: 'x' }), undefined);
    assert.equal(parseWebviewMessage(null), undefined);
  });

  it("takes a Generate's copies only as bytes, a bounded number of them, and a byte request only with an id and an image", () => {
    const options = { ...valid };
    const copy = new Uint8Array([0x89, 0x50]);
    assert.deepEqual(parseWebviewMessage({ type: 'generate', id: 3, options, prepared: { 'file:///w/a.gif': copy } }), {
      type: 'generate',
      id: 3,
      options,
      prepared: { 'file:///w/a.gif': copy },
    });
    assert.equal(parseWebviewMessage({ type: 'generate', id: 3, options, prepared: { 'file:///w/a.gif': [0x89, 0x50] } }), undefined);
    assert.equal(parseWebviewMessage({ type: 'generate', id: 3, options, prepared: { 'file:///w/a.gif': copy.buffer } }), undefined);
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`file:///w/${i}.gif`, copy]));
    assert.equal(parseWebviewMessage({ type: 'generate', id: 3, options, prepared: many }), undefined);
    assert.deepEqual(parseWebviewMessage({ type: 'imageBytes', id: 4, imageUri: 'file:///w/a.gif' }), {
      type: 'imageBytes',
      id: 4,
      imageUri: 'file:///w/a.gif',
    });
    assert.equal(parseWebviewMessage({ type: 'imageBytes', id: 4 }), undefined);
    assert.equal(parseWebviewMessage({ type: 'imageBytes', imageUri: 'file:///w/a.gif' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'imageBytes', id: 0, imageUri: 'file:///w/a.gif' }), undefined);
  });

  it('starts the form from the nearest allowed value when settings hold nonsense', () => {
    assert.deepEqual(coerceDefaults({ length: 7, modelName: 'x', aspectRatio: '16:9', loop: true }), {
      ...valid,
      prompt: '',
      aspectRatio: '16:9',
      loop: true,
    });
  });
});

describe('protocol: batches', () => {
  const images = ['file:///w/a.png', 'file:///w/b.png', 'file:///w/c.png'];

  it('gives each image the shared options, with its own prompt where it has one', () => {
    const result = validateBatch({ ...valid, prompt: 'shared' }, { 'file:///w/b.png': '  b moves  ' }, images);
    assert.equal(result.ok, true);
    if (!result.ok) return;
    assert.deepEqual(
      result.perImage.map((p) => [p.imageUri, p.options.prompt]),
      [
        ['file:///w/a.png', 'shared'],
        ['file:///w/b.png', 'b moves'],
        ['file:///w/c.png', 'shared'],
      ],
    );
  });

  it('needs the shared prompt unless every image has its own', () => {
    const missing = validateBatch({ ...valid, prompt: '' }, { 'file:///w/a.png': 'a' }, images);
    assert.equal(missing.ok, false);
    if (!missing.ok) assert.match(missing.errors.prompt ?? '', /Describe what should move/);
    const all = validateBatch({ ...valid, prompt: '' }, Object.fromEntries(images.map((uri) => [uri, `prompt for ${uri}`])), images);
    assert.equal(all.ok, true);
  });

  it('refuses a per-image prompt that is too long, and prompts for images not in the form', () => {
    const long = validateBatch(valid, { 'file:///w/c.png': 'x'.repeat(MAX_PROMPT_LENGTH + 1) }, images);
    assert.equal(long.ok, false);
    if (!long.ok) assert.match(long.imageErrors['file:///w/c.png'] ?? '', /shorten it to 2000/);
    const stranger = validateBatch(valid, { 'file:///etc/passwd': 'x' }, images);
    assert.equal(stranger.ok, false);
  });

  it('takes a draft with exactly its own fields, and keeps only text and plain values in it', () => {
    const draft = {
      type: 'draft',
      options: { prompt: 'p', length: 10, model: {} },
      prompts: { 'file:///w/a.png': 'a' },
      advancedOpen: true,
      perImageOpen: false,
    };
    assert.deepEqual(parseWebviewMessage(draft), { ...draft, options: { prompt: 'p', length: 10 } });
    assert.equal(parseWebviewMessage({ ...draft, extra: 1 }), undefined, 'unknown keys');
    assert.equal(parseWebviewMessage({ ...draft, prompts: 'a' }), undefined);
  });

  it('parses per-image actions only with an image URI', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'openVideo', imageUri: 'file:///w/a.png' }), {
      type: 'openVideo',
      imageUri: 'file:///w/a.png',
    });
    assert.equal(parseWebviewMessage({ type: 'saveVideoAs' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'fetch', imageUri: 7 }), undefined);
    assert.deepEqual(parseWebviewMessage({ type: 'cancel' }), { type: 'cancel' });
    assert.deepEqual(parseWebviewMessage({ type: 'cancel', imageUri: 'file:///a.png', confirmed: true }), {
      type: 'cancel',
      imageUri: 'file:///a.png',
      confirmed: true,
    });
    assert.equal(parseWebviewMessage({ type: 'cancel', confirmed: 'yes' }), undefined, 'only a literal true says the page asked');
    assert.equal(parseWebviewMessage({ type: 'generate', options: valid, prompts: 'x' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'generate', id: 1, options: valid, prompts: 'x' }), undefined);
  });
});

describe('protocol: requests and replies', () => {
  it('a generate is a request: it carries an id the page chose, a whole number from 1', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'generate', id: 3, options: valid }), { type: 'generate', id: 3, options: valid });
    const prompts = { 'file:///w/a.png': 'a' };
    assert.deepEqual(parseWebviewMessage({ type: 'generate', id: 4, options: valid, prompts }), {
      type: 'generate',
      id: 4,
      options: valid,
      prompts,
    });
    for (const id of [undefined, 0, -1, 1.5, '1', Number.MAX_SAFE_INTEGER + 1, null])
      assert.equal(parseWebviewMessage({ type: 'generate', id, options: valid }), undefined, `id ${String(id)}`);
    assert.equal(parseWebviewMessage({ type: 'generate', options: valid }), undefined, 'no id: a reply could go nowhere');
    assert.equal(parseWebviewMessage({ type: 'generate', id: 1, options: valid, reply: 'x' }), undefined, 'unknown keys');
  });

  it('notices carry no id', () => {
    assert.equal(parseWebviewMessage({ type: 'ready', id: 1 }), undefined);
    assert.equal(parseWebviewMessage({ type: 'openVideo', id: 1, imageUri: 'file:///w/a.png' }), undefined);
  });

  it('tells a request id from anything else', () => {
    assert.equal(isRequestId(1), true);
    assert.equal(isRequestId(2 ** 40), true);
    for (const value of [0, -3, 2.5, NaN, Infinity, '7', undefined]) assert.equal(isRequestId(value), false, String(value));
  });
});
