// The form's side of converting images (issue 13) in plain Node: what each image's row says, the
// bytes it asks the host for, and the copies a Generate carries. The conversion itself runs in a
// real browser engine (test/ui/convert.test.mjs); here a stand-in makes the copies.
import * as assert from 'node:assert/strict';
import type { Convert } from '../../../media/imagePrep';
import type { ImageFacts } from '../../../src/shared/imagePlan';
import type { ImageView } from '../../../src/shared/messages';
import { image, LIMITS, Page, settle } from './page';

const MB = 1024 * 1024;
const withFile = (name: string, file: ImageFacts): ImageView => ({ ...image(name), file });
const gif = withFile('anim.gif', { format: 'GIF', sendable: false, bytes: 80_000 });
const photo = withFile('photo.jpg', { format: 'JPEG', sendable: true, bytes: 9 * MB, longSide: 6000 });
const small = withFile('cat.png', { format: 'PNG', sendable: true, bytes: 9000, longSide: 640 });
const COPY = new Uint8Array(310 * 1024);
COPY.set([0x89, 0x50, 0x4e, 0x47]);

/** A stand-in for the browser's decoders: a PNG copy of the GIF, a JPEG of anything else; fails on request. */
function standIn(calls: string[], fail = false): Convert {
  return async (bytes, reason, facts) => {
    calls.push(`${facts.format}:${reason}:${bytes.length}`);
    if (fail) throw new Error('cannot decode');
    return facts.format === 'GIF'
      ? { bytes: COPY, mimeType: 'image/png', width: 320, height: 240 }
      : { bytes: new Uint8Array(1.4 * MB), mimeType: 'image/jpeg', width: 2048, height: 1365 };
  };
}

describe('webview form: images it converts before sending', () => {
  let page: Page;
  afterEach(() => page.close());

  /** Answers the page's byte requests as the host does, one conversion after another, until it asks no more. */
  async function answerAll(bytes = new Uint8Array(100)): Promise<void> {
    for (;;) {
      const unanswered = page.sent('imageBytes').filter((sent) => !answered.has(sent.id));
      if (unanswered.length === 0) return;
      for (const request of unanswered) {
        answered.add(request.id);
        page.send({ type: 'reply', id: request.id, reply: { status: 'ok', bytes } });
      }
      await settle();
    }
  }
  const answered = new Set<number>();

  it('a GIF: asks for its bytes, says what goes instead, and Generate carries the copy', async () => {
    const calls: string[] = [];
    page = new Page(undefined, {}, standIn(calls));
    page.init([gif]);
    assert.equal(page.$('#image-send').textContent, 'Preparing the image to send…');
    assert.deepEqual(
      page.sent('imageBytes').map((sent) => sent.imageUri),
      [gif.uri],
    );
    await answerAll();
    assert.deepEqual(calls, ['GIF:format:100']);
    assert.equal(
      page.$('#image-send').textContent,
      '1min.ai does not take GIF images: sent as PNG, 320 × 240, 310.0 KB. Your file is not changed.',
    );
    page.type('#prompt', 'the flag waves');
    page.submit();
    const [generate] = page.sent('generate');
    assert.deepEqual(generate.prepared, { [gif.uri]: COPY });
  });

  it('a large photo is made smaller by default, sent as it is with the setting off; a small PNG is never touched', async () => {
    const calls: string[] = [];
    page = new Page(undefined, {}, standIn(calls));
    page.init([photo]);
    await answerAll();
    assert.equal(
      page.$('#image-send').textContent,
      'More pixels than the video can use: sent as JPEG, 2048 × 1365, 1.4 MB. Your file is not changed.',
    );
    await page.close();

    page = new Page(undefined, {}, standIn(calls));
    page.init([photo], { limits: { ...LIMITS, shrinkLarge: false } });
    page.init([small]);
    await settle();
    assert.deepEqual(page.sent('imageBytes'), [], 'nothing to read: both go as they are');
    assert.equal(page.$('#image-send').hidden, true);
    page.type('#prompt', 'zoom');
    page.submit();
    assert.equal(page.sent('generate')[0].prepared, undefined);
  });

  it('Generate pressed while the copy is being made waits for it, then sends once', async () => {
    page = new Page(undefined, {}, standIn([]));
    page.init([gif]);
    page.type('#prompt', 'the flag waves');
    page.submit();
    page.submit();
    assert.deepEqual(page.sent('generate'), [], 'not before the copy is made');
    await answerAll();
    await settle();
    assert.equal(page.sent('generate').length, 1);
    assert.deepEqual(page.sent('generate')[0].prepared, { [gif.uri]: COPY });
  });

  it('a picture the page cannot decode: its row says so and what to do; a photo that fails goes as it is', async () => {
    page = new Page(undefined, {}, standIn([], true));
    page.init([gif, photo]);
    await answerAll();
    const gifRow = page.$('#send-0');
    assert.equal(
      gifRow.textContent,
      '1min.ai does not take GIF images, and it could not be converted here. Convert it (for example to PNG) and try again.',
    );
    assert.equal(gifRow.getAttribute('role'), 'alert');
    assert.ok(gifRow.classList.contains('problem'));
    assert.equal(page.$('#send-1').hidden, true, 'the photo goes as it is: it is within the limit');
  });

  it("the host's refusal of what would be sent for an image shows next to that image, also when it is the only one", async () => {
    page = new Page(undefined, {}, standIn([], true));
    page.init([gif]);
    await answerAll();
    page.type('#prompt', 'the flag waves');
    page.submit();
    const [generate] = page.sent('generate');
    const message = 'anim.gif is a GIF image, which 1min.ai does not take, and it could not be converted here.';
    page.send({ type: 'reply', id: generate.id, reply: { status: 'invalid', errors: {}, fileErrors: { [gif.uri]: message } } });
    await settle();
    assert.equal(page.$('#image-send').textContent, message);
    assert.equal(page.$('#image-send').getAttribute('role'), 'alert');
    assert.equal(page.$<HTMLTextAreaElement>('#prompt').value, 'the flag waves', 'what was typed stays');
  });

  it('a batch: each image says what goes for it in its own card', async () => {
    page = new Page(undefined, {}, standIn([]));
    page.init([small, gif, photo]);
    await answerAll();
    assert.equal(page.$('#send-0').hidden, true);
    assert.match(page.$('#send-1').textContent ?? '', /^1min\.ai does not take GIF images: sent as PNG, 320 × 240/);
    assert.match(page.$('#send-2').textContent ?? '', /^More pixels than the video can use: sent as JPEG, 2048 × 1365, 1\.4 MB/);
    page.type('#prompt', 'drift');
    page.submit();
    assert.deepEqual(Object.keys(page.sent('generate')[0].prepared ?? {}), [gif.uri, photo.uri]);
  });

  it('a picture over the limit that cannot be made smaller says to resize it, not to convert it', async () => {
    page = new Page(undefined, {}, standIn([], true));
    page.init([withFile('huge.png', { format: 'PNG', sendable: true, bytes: 12 * MB, longSide: 4000 })]);
    await answerAll();
    assert.equal(
      page.$('#image-send').textContent,
      '12.0 MB is over the 10.0 MB limit, and it could not be made smaller here. Resize or compress it and try again.',
    );
  });

  it('a Generate waiting for the copy locks the form; a page reloaded meanwhile sends it once, when the copy is made', async () => {
    page = new Page(undefined, {}, standIn([]));
    page.init([gif]);
    page.type('#prompt', 'the flag waves');
    page.submit();
    assert.equal(page.$<HTMLFieldSetElement>('#fields').disabled, true, 'locked while it waits');
    assert.equal(page.state?.waitingToSend, 'panel-1', 'the panel it waits in');
    // The tab is hidden: VS Code drops the page and builds it again from its saved state.
    const saved = page.state;
    await page.close();
    answered.clear();
    page = new Page(saved, {}, standIn([]));
    page.init([gif]);
    assert.deepEqual(page.sent('generate'), [], 'not before the copy is made');
    await answerAll();
    await settle();
    const sent = page.sent('generate');
    assert.equal(sent.length, 1);
    assert.equal(sent[0].options.prompt, 'the flag waves');
    assert.deepEqual(sent[0].prepared, { [gif.uri]: COPY });
    assert.equal(page.state?.waitingToSend, undefined, 'saved as sent before it went: a further reload sends nothing');
  });

  it('a Generate left waiting is not sent by a form revived in another panel (VS Code restarted), nor for other images', async () => {
    page = new Page(undefined, {}, standIn([]));
    page.init([gif]);
    page.type('#prompt', 'the flag waves');
    page.submit();
    const saved = page.state;
    await page.close();
    for (const [images, panel] of [
      [[gif], 'panel-after-restart'],
      [[gif, photo], 'panel-1'],
    ] as const) {
      answered.clear();
      page = new Page(saved, {}, standIn([]));
      page.init([...images], { panel });
      await answerAll();
      assert.deepEqual(page.sent('generate'), [], `${panel}, ${images.length} image(s): nothing sent by itself`);
      assert.equal(page.$<HTMLFieldSetElement>('#fields').disabled, false, 'the form is usable');
      await page.close();
    }
    page = new Page();
  });

  it('a file changed since the page read it: the host says so, the page reads it again and says to press Generate', async () => {
    const calls: string[] = [];
    page = new Page(undefined, {}, standIn(calls));
    page.init([photo]);
    await answerAll();
    page.type('#prompt', 'zoom');
    page.submit();
    const [first] = page.sent('generate');
    const now: ImageFacts = { format: 'JPEG', sendable: true, bytes: 8 * MB, longSide: 5000 };
    page.send({ type: 'reply', id: first.id, reply: { status: 'invalid', errors: {}, changed: { [photo.uri]: now } } });
    await settle();
    assert.equal(
      page.$('#image-send').textContent,
      'photo.jpg changed since the form read it, so nothing was sent: read again. Preparing the image to send…',
    );
    assert.equal(page.sent('imageBytes').length, 2, 'its bytes asked for again');
    await answerAll(new Uint8Array(50));
    assert.deepEqual(calls, ['JPEG:pixels:100', 'JPEG:pixels:50'], 'converted again from the new bytes and facts');
    assert.match(
      page.$('#image-send').textContent ?? '',
      /^photo\.jpg changed since the form read it, so nothing was sent: read again\. More pixels than the video can use: sent as JPEG/,
      'why nothing went stays in front until the next Generate',
    );
    page.submit();
    assert.deepEqual(Object.keys(page.sent('generate')[1].prepared ?? {}), [photo.uri]);
    assert.match(page.$('#image-send').textContent ?? '', /^photo\.jpg changed/, 'shown until something replaces it');
  });
});
