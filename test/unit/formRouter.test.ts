// The form's message router, host side, in plain Node: what the panel wires to the webview's
// messages, driven with what a webview (or a forged page) could post.
import * as assert from 'node:assert/strict';
import { FormRouter, type Handled, type NoticeHandlers } from '../../src/form/formRouter';
import type { GenerateParams, GenerateReply, HostMessage, ImageBytesReply } from '../../src/shared/messages';
import { generationOptions } from '../support/fixtures';

const A = 'file:///w/a.png';
const B = 'file:///w/b.png';

function harness(generate: (params: GenerateParams) => Promise<Handled<GenerateReply>>) {
  const bytesAsked: string[] = [];
  const imageBytes = async ({ imageUri }: { imageUri: string }): Promise<Handled<ImageBytesReply>> => {
    bytesAsked.push(imageUri);
    return { reply: { status: 'ok', bytes: new Uint8Array([1, 2, 3]) } };
  };
  const posted: HostMessage[] = [];
  const warnings: string[] = [];
  const calls: unknown[][] = [];
  const record =
    (name: string) =>
    async (...args: unknown[]) => {
      calls.push([name, ...args]);
    };
  const notices: NoticeHandlers = {
    ready: () => void calls.push(['ready']),
    cancel: record('cancel'),
    draft: record('draft'),
    setApiKey: record('setApiKey'),
    imageAction: record('imageAction'),
  };
  const router = new FormRouter(
    { imageKeys: [A, B], title: () => 'Luma: 2 images', post: (message) => posted.push(message), warn: (text) => warnings.push(text) },
    { generate, imageBytes },
    notices,
  );
  return { router, posted, warnings, calls, bytesAsked };
}

const accepted = async (): Promise<Handled<GenerateReply>> => ({ reply: { status: 'accepted' } });

describe('form router (host side)', () => {
  it('drops and logs what the protocol does not know, and messages about images the form does not show', async () => {
    const { router, posted, warnings, calls } = harness(accepted);
    await router.receive({ type: 'runShell', command: 'rm -rf /' });
    await router.receive({ type: 'openVideo', imageUri: 'file:///etc/passwd' });
    await router.receive({ type: 'cancel', imageUri: 'file:///w/other.png' });
    await router.receive({ type: 'generate', options: generationOptions });
    await router.receive({ type: 'generate', id: 0, options: generationOptions });
    assert.deepEqual(calls, []);
    assert.deepEqual(posted, [], 'no reply to a request it dropped');
    assert.equal(warnings.length, 5);
    assert.equal(warnings[0], 'Dropped an unknown message from the form "Luma: 2 images".');
  });

  it('gives the page the bytes of its own images only; a Generate with a copy of another image, or not bytes, is dropped', async () => {
    const generated: GenerateParams[] = [] as GenerateParams[];
    const { router, posted, warnings, bytesAsked } = harness(async (params) => {
      generated.push(params);
      return { reply: { status: 'accepted' } };
    });
    await router.receive({ type: 'imageBytes', id: 7, imageUri: 'file:///home/me/.ssh/id_rsa' });
    await router.receive({ type: 'imageBytes', id: 8, imageUri: A, extra: true });
    await router.receive({ type: 'imageBytes', id: 9, imageUri: A });
    assert.deepEqual(bytesAsked, [A]);
    assert.deepEqual(posted, [{ type: 'reply', id: 9, reply: { status: 'ok', bytes: new Uint8Array([1, 2, 3]) } }]);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    await router.receive({ type: 'generate', id: 10, options: generationOptions, prepared: { 'file:///w/other.png': png } });
    await router.receive({ type: 'generate', id: 11, options: generationOptions, prepared: { [A]: 'iVBORw0KGgo=' } });
    await router.receive({ type: 'generate', id: 12, options: generationOptions, prepared: { [A]: [137, 80, 78, 71] } });
    await router.receive({ type: 'generate', id: 13, options: generationOptions, prepared: [png] });
    assert.deepEqual(generated, []);
    assert.equal(warnings.length, 6, 'two byte requests and four Generates dropped');
    await router.receive({ type: 'generate', id: 14, options: generationOptions, prepared: { [B]: png } });
    assert.deepEqual(
      (generated as GenerateParams[])[0]?.prepared,
      { [B]: png },
      'a copy of one of its images goes to the handler, which checks its bytes',
    );
  });

  it("hands each notice to its handler; a draft keeps only prompts of the form's images", async () => {
    const { router, calls } = harness(accepted);
    await router.receive({ type: 'ready' });
    await router.receive({ type: 'cancel' });
    await router.receive({ type: 'cancel', imageUri: B, confirmed: true });
    await router.receive({ type: 'fetch', imageUri: A });
    await router.receive({ type: 'setApiKey' });
    await router.receive({
      type: 'draft',
      options: { prompt: 'p' },
      prompts: { [A]: 'a', 'file:///elsewhere/x.png': 'x' },
      advancedOpen: false,
      perImageOpen: true,
    });
    assert.deepEqual(calls, [
      ['ready'],
      ['cancel', undefined, false],
      ['cancel', B, true],
      ['imageAction', 'fetch', A],
      ['setApiKey'],
      ['draft', { options: { prompt: 'p' }, prompts: { [A]: 'a' }, advancedOpen: false, perImageOpen: true }],
    ]);
  });

  it('answers a request once, with its id, as soon as it is handled; receive() settles when the work after it has', async () => {
    let finish: () => void = () => undefined;
    const jobs = new Promise<void>((resolve) => (finish = resolve));
    const seen: GenerateParams[] = [];
    const { router, posted } = harness(async (params) => {
      seen.push(params);
      return { reply: { status: 'accepted' }, after: jobs };
    });
    const options = generationOptions;
    let settled = false;
    const receiving = router.receive({ type: 'generate', id: 7, options, prompts: { [B]: 'b' } }).then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(posted, [{ type: 'reply', id: 7, reply: { status: 'accepted' } }]);
    assert.deepEqual(seen, [{ type: 'generate', id: 7, options, prompts: { [B]: 'b' } }]);
    assert.equal(settled, false, 'the jobs still run');
    finish();
    await receiving;
    assert.equal(posted.length, 1);
  });

  it('a handler that throws still answers (declined), so the page does not wait for ever, and the error goes on', async () => {
    const { router, posted } = harness(async () => {
      throw new Error('a modal dialog is not allowed here');
    });
    await assert.rejects(router.receive({ type: 'generate', id: 2, options: generationOptions }), /dialog/);
    assert.deepEqual(posted, [{ type: 'reply', id: 2, reply: { status: 'declined' } }]);
  });
});
