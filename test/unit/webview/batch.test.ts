// The batch layout of the form's webview in plain Node (happy-dom): the per-image prompts as
// sent, judged and restored, and the cards' and summary's status.
import * as assert from 'node:assert/strict';
import { defaults, image, job, Page, settle } from './page';

const images = [image('a.png'), image('b.png'), image('c.png')];

describe('webview form: a batch', () => {
  let page: Page;
  afterEach(() => page.close());

  it('lays out a card per image and a closed "Prompt per image" section, each prompt tied to its image', () => {
    page = new Page();
    page.init(images);
    assert.equal(page.$('#title').textContent, '3 images');
    assert.equal(page.document.querySelectorAll('#images .card').length, 3);
    assert.equal(page.$<HTMLDetailsElement>('#per-image').open, false);
    assert.equal(page.$('#prompt-1').dataset.imageUri, images[1].uri);
    assert.equal(page.$('label[for="prompt-1"]').textContent, 'Prompt for b.png');
    assert.equal(page.$('#prompt-hint').hidden, false);
  });

  it('sends each own prompt trimmed by image URI, blank ones left out; the shared prompt stays needed until every image has one', () => {
    page = new Page();
    page.init(images);
    page.type('#prompt-1', '  b moves  ');
    page.type('#prompt-2', '   ');
    assert.equal(page.$<HTMLTextAreaElement>('#prompt').required, true);
    page.submit();
    assert.deepEqual(page.sent('generate'), [], 'the shared prompt is missing');
    assert.ok(page.has('#prompt-error'));
    page.type('#prompt', 'shared');
    page.submit();
    const id = page.sent('generate')[0]?.id;
    assert.deepEqual(page.sent('generate'), [
      { type: 'generate', id, options: { ...defaults, prompt: 'shared' }, prompts: { [images[1].uri]: 'b moves' } },
    ]);
  });

  it('every image with its own prompt: the shared one may stay empty', () => {
    page = new Page();
    page.init(images);
    images.forEach((_, index) => page.type(`#prompt-${index}`, `prompt ${index}`));
    assert.equal(page.$<HTMLTextAreaElement>('#prompt').required, false);
    page.submit();
    const [sent] = page.sent('generate');
    assert.equal(sent?.options.prompt, '');
    assert.deepEqual(sent?.prompts, Object.fromEntries(images.map((item, index) => [item.uri, `prompt ${index}`])));
  });

  it("the host's error about one image's prompt goes under that prompt and opens the section", async () => {
    page = new Page();
    page.init(images);
    page.type('#prompt', 'shared');
    page.submit();
    page.send({
      type: 'reply',
      id: page.sent('generate')[0].id,
      reply: { status: 'invalid', errors: {}, imageErrors: { [images[2].uri]: 'This prompt is not text.' } },
    });
    await settle();
    assert.equal(page.$('#prompt-2-error').textContent, 'This prompt is not text.');
    assert.equal(page.$('#prompt-2').getAttribute('aria-invalid'), 'true');
    assert.equal(page.$<HTMLDetailsElement>('#per-image').open, true);
    page.type('#prompt-2', 'c moves');
    assert.equal(page.has('#prompt-2-error'), false, 'typing there clears it');
  });

  it('per-image prompts and the open section survive a reload through the saved state', () => {
    const first = new Page();
    first.init(images);
    first.type('#prompt-0', 'a moves');
    const saved = first.state;
    void first.close();
    assert.deepEqual(saved?.prompts, { [images[0].uri]: 'a moves' });
    page = new Page({ ...saved, perImageOpen: true });
    assert.equal(page.$<HTMLTextAreaElement>('#prompt-0').value, 'a moves');
    assert.equal(page.$<HTMLDetailsElement>('#per-image').open, true);
  });

  it('cards and the summary follow the jobs; Cancel All asks first when videos are paid for', () => {
    page = new Page();
    page.init(images);
    page.send({ type: 'job', imageUri: images[0].uri, job: job('generating', { accepted: true }) });
    page.send({ type: 'job', imageUri: images[1].uri, job: job('queued') });
    page.send({ type: 'job', imageUri: images[2].uri, job: job('failed', { error: { message: 'It broke.' } }) });
    assert.equal(page.$('#batch-summary').textContent, 'Videos: 1 failed, 1 generating, 1 queued.');
    assert.match(page.$('#status-0').textContent ?? '', /^Generating… \d+:\d\d$/);
    assert.equal(page.$('#status-1').textContent, 'Queued');
    assert.equal(page.$('#status-2').textContent, 'Failed: It broke.');
    page.click('#cancel-all');
    assert.equal(
      page.$('#cancel-question').textContent,
      'One video is already paid for. Stop waiting for it and cancel the other one? Paid jobs are kept, so you can fetch them later.',
    );
    page.click('#stop-waiting');
    assert.deepEqual(page.posted.at(-1), { type: 'cancel', confirmed: true });
  });

  it("a finished card's buttons carry its index and post their action with its image", () => {
    page = new Page();
    page.init(images);
    const video = { src: 'https://file.test/w/b.luma.mp4', name: 'b.luma.mp4' };
    page.send({ type: 'job', imageUri: images[1].uri, job: job('done', { video }) });
    assert.equal(page.$('#status-1').textContent, 'Done: b.luma.mp4');
    assert.equal(page.$('#save-as-1').getAttribute('aria-describedby'), 'name-1');
    page.click('#copy-link-1');
    assert.deepEqual(page.posted.at(-1), { type: 'copyMarkdownLink', imageUri: images[1].uri });
  });
});
