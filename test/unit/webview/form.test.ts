// The form's webview in plain Node (happy-dom): checks before sending, the generate request and
// its reply, the saved state after a reload and the draft the host keeps.
import * as assert from 'node:assert/strict';
import { defaults, image, job, Page, settle } from './page';
import { createRequestChannel } from '../../../media/requests';

const cat = image('cat.png');

describe('webview form: one image', () => {
  let page: Page;
  afterEach(() => page.close());

  it('says it is ready at once and shows the form when the host answers with the image', () => {
    page = new Page();
    assert.deepEqual(page.posted, [{ type: 'ready' }]);
    assert.equal(page.has('#form'), false, 'nothing shown before init');
    page.init([cat], { defaults: { ...defaults, prompt: 'from settings', loop: true } });
    assert.equal(page.$('#title').textContent, 'cat.png');
    assert.equal(page.$<HTMLTextAreaElement>('#prompt').value, 'from settings');
    assert.equal(page.$<HTMLInputElement>('#loop').checked, true);
    assert.equal(page.$<HTMLInputElement>('#length-5').checked, true);
    assert.equal(page.$('#prompt-count').textContent, '13 / 2000');
  });

  it('an empty prompt is refused in the page: the error under the field, focus on it, nothing sent', () => {
    page = new Page();
    page.init([cat]);
    page.submit();
    assert.match(page.$('#prompt-error').textContent ?? '', /Describe what should move/);
    assert.equal(page.$('#prompt').getAttribute('aria-invalid'), 'true');
    assert.equal(page.$('#prompt').getAttribute('aria-describedby'), 'prompt-count prompt-error');
    assert.equal(page.document.activeElement?.id, 'prompt');
    assert.deepEqual(page.sent('generate'), []);
    // Typing clears it.
    page.type('#prompt', 'the waves roll in');
    assert.equal(page.has('#prompt-error'), false);
    assert.equal(page.$('#prompt').hasAttribute('aria-invalid'), false);
  });

  it('Generate is a request with an id; pressing again before the reply sends nothing; after it, a new id', async () => {
    page = new Page();
    page.init([cat]);
    page.type('#prompt', '  the waves roll in  ');
    page.submit();
    page.submit();
    const first = page.sent('generate')[0]?.id;
    assert.ok(Number.isSafeInteger(first) && first > 0, `a positive whole id, not ${first}`);
    assert.deepEqual(page.sent('generate'), [{ type: 'generate', id: first, options: { ...defaults, prompt: 'the waves roll in' } }]);
    page.send({ type: 'reply', id: first, reply: { status: 'declined' } });
    await settle();
    page.submit();
    assert.deepEqual(
      page.sent('generate').map((message) => message.id),
      [first, first + 1],
    );
  });

  it("the host's field errors are shown where they belong, and open Advanced when one is inside it", async () => {
    page = new Page();
    page.init([cat]);
    page.type('#prompt', 'the waves roll in');
    page.submit();
    assert.equal(page.$<HTMLDetailsElement>('#advanced').open, false);
    const { id } = page.sent('generate')[0];
    page.send({ type: 'reply', id, reply: { status: 'invalid', errors: { modelName: 'Choose one of the models.' } } });
    await settle();
    assert.equal(page.$('#modelName-error').textContent, 'Choose one of the models.');
    assert.equal(page.$<HTMLDetailsElement>('#advanced').open, true);
    assert.equal(page.state?.advancedOpen, true, 'kept in the saved state');
    assert.equal(page.document.activeElement?.id, 'modelName');
    // The request is answered: the form can be sent again.
    page.submit();
    assert.equal(page.sent('generate').length, 2);
  });

  it('a reply with an id nobody waits for changes nothing', async () => {
    page = new Page();
    page.init([cat]);
    page.type('#prompt', 'the waves roll in');
    page.submit();
    page.send({ type: 'reply', id: 7, reply: { status: 'invalid', errors: { prompt: 'forged' } } });
    await settle();
    assert.equal(page.has('#prompt-error'), false);
    page.submit();
    assert.equal(page.sent('generate').length, 1, 'still waiting for the reply to request 1');
  });

  it("a page loaded again does not take the old page's late reply for the answer to its own request", async () => {
    const old = new Page();
    old.init([cat]);
    old.type('#prompt', 'the waves roll in');
    old.submit();
    page = new Page(old.state);
    page.init([cat]);
    page.submit();
    const [oldId, newId] = [old.sent('generate')[0].id, page.sent('generate')[0].id];
    assert.notEqual(newId, oldId, 'each page load numbers its requests from its own starting point');
    page.send({ type: 'reply', id: oldId, reply: { status: 'invalid', errors: { prompt: 'for the old page' } } });
    await settle();
    assert.equal(page.has('#prompt-error'), false);
  });

  it('a request that could not be posted does not wait for a reply', async () => {
    const channel = createRequestChannel(() => {
      throw new Error('the webview is gone');
    });
    await assert.rejects(channel.request('generate', { options: { ...defaults, prompt: 'x' } }), /the webview is gone/);
    assert.equal(channel.waiting('generate'), false, 'Generate works again');
  });

  it("a running job locks the fields and Generate; the job's end unlocks them", () => {
    page = new Page();
    page.init([cat]);
    page.type('#prompt', 'the waves roll in');
    page.send({ type: 'job', imageUri: cat.uri, job: job('uploading') });
    assert.equal(page.$<HTMLFieldSetElement>('#fields').disabled, true);
    assert.match(page.$('#status').textContent ?? '', /Uploading image…/);
    page.submit();
    assert.deepEqual(page.sent('generate'), []);
    page.send({ type: 'job', imageUri: cat.uri, job: job('failed', { error: { message: 'It broke.', remedy: 'retry' } }) });
    assert.equal(page.$<HTMLFieldSetElement>('#fields').disabled, false);
    assert.equal(page.$('#error').textContent, 'It broke.');
    page.click('#retry');
    assert.equal(page.sent('generate').length, 1, 'Try Again sends the form again');
  });

  it('keeps what was typed in the saved state, and sends it to the host as a draft a moment later', async () => {
    page = new Page();
    page.init([cat]);
    assert.equal(page.state?.edited, false);
    page.type('#prompt', 'the waves roll in');
    assert.equal(page.state?.options?.prompt, 'the waves roll in');
    assert.equal(page.state?.edited, true);
    assert.deepEqual(page.state?.images, [cat]);
    assert.deepEqual(page.sent('draft'), [], 'not on every key');
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.deepEqual(page.sent('draft'), [
      { type: 'draft', options: { ...defaults, prompt: 'the waves roll in' }, prompts: {}, advancedOpen: false, perImageOpen: false },
    ]);
  });

  it('after a reload: the saved images, values and jobs are shown at once, and init does not overwrite what was typed', () => {
    const video = { src: 'https://file.test/w/cat.luma.mp4', name: 'cat.luma.mp4' };
    page = new Page({
      images: [cat],
      options: { ...defaults, prompt: 'typed before the reload', modelName: 'ray-v3' },
      edited: true,
      advancedOpen: true,
      jobs: { [cat.uri]: job('done', { video }) },
    });
    assert.equal(page.$('#title').textContent, 'cat.png');
    assert.equal(page.$<HTMLTextAreaElement>('#prompt').value, 'typed before the reload');
    assert.equal(page.$<HTMLSelectElement>('#modelName').value, 'ray-v3');
    assert.equal(page.$<HTMLDetailsElement>('#advanced').open, true);
    assert.equal(page.$('#open-video').textContent, 'Open Video');
    page.init([cat], { defaults: { ...defaults, prompt: 'from settings' } });
    assert.equal(page.$<HTMLTextAreaElement>('#prompt').value, 'typed before the reload');
    assert.ok(page.has('#open-video'), 'a finished job the host no longer sends is still shown');
    page.click('#open-video');
    assert.deepEqual(page.posted.at(-1), { type: 'openVideo', imageUri: cat.uri });
  });

  it('a saved state with a broken image list is not restored', () => {
    page = new Page({ images: [{ name: 'cat.png' } as never], options: { prompt: 'x' } });
    assert.equal(page.has('#form'), false);
  });

  it("a draft from the form this one replaces comes back, even over the host's defaults", () => {
    page = new Page();
    page.init([cat], {
      draft: { options: { prompt: 'typed in the dead form', length: 10 }, prompts: {}, advancedOpen: true, perImageOpen: false },
    });
    assert.equal(page.$<HTMLTextAreaElement>('#prompt').value, 'typed in the dead form');
    assert.equal(page.$<HTMLInputElement>('#length-10').checked, true);
    assert.equal(page.$<HTMLDetailsElement>('#advanced').open, true);
    assert.equal(page.state?.edited, true);
  });

  it('a picked preset replaces the prompt', () => {
    page = new Page();
    page.init([cat], { recentPrompts: ['an earlier prompt'] });
    const presets = page.$<HTMLSelectElement>('#presets');
    presets.value = presets.options[1].value;
    presets.dispatchEvent(new page.window.Event('change', { bubbles: true }) as unknown as Event);
    assert.equal(page.$<HTMLTextAreaElement>('#prompt').value, presets.options[1].value);
    assert.equal(presets.selectedIndex, 0, 'the list goes back to its title');
    assert.deepEqual(
      [...page.$<HTMLSelectElement>('#recent-prompts').options].map((option) => option.textContent),
      ['Recent prompts…', 'an earlier prompt'],
    );
  });
});
