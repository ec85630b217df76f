// The Generations view, its actions, batches and the queue, prompt history: in the real extension host.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LumaVideoApi } from '../../src/extension';
import type { JobRecord } from '../../src/jobs/job';
import type { GenerationOptions } from '../../src/shared/options';
import { Simulator } from '../simulator/simulator';
import { EXTENSION_ID, exists, startSuite, until, workspaceFile } from './helpers';

const KEY = 'generations-key-7';
const options: GenerationOptions = {
  prompt: 'the leaves rustle in the wind',
  length: 5,
  enhancePrompt: false,
  modelName: 'ray-v2-flash',
  aspectRatio: '16:9',
  resolution: '720p',
  loop: true,
};

const openTabLabels = () => vscode.window.tabGroups.all.flatMap((group) => group.tabs.map((tab) => tab.label));

describe('Generations view, batches and the queue', function () {
  this.timeout(90_000);
  let api: LumaVideoApi;
  let sim: Simulator;
  const config = () => vscode.workspace.getConfiguration('lumaVideo');

  before(async () => {
    // VS Code's own file dialogs (as in a browser), so a test can answer them, on the desktop too.
    await vscode.workspace.getConfiguration('files').update('simpleDialog.enable', true, vscode.ConfigurationTarget.Global);
    ({ api, sim } = await startSuite(KEY, 400, KEY));
  });

  after(async () => {
    await config().update('maxConcurrentJobs', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await sim?.stop();
  });

  beforeEach(() => sim.reset());

  async function generate(images: vscode.Uri[], prompts?: Record<string, string>, opts = options): Promise<void> {
    await vscode.commands.executeCommand('lumaVideo.generate', images[0], images);
    const form = await until('the form', () => api.formFor(...images));
    await form.messages.receive({ type: 'generate', id: 1, options: opts, ...(prompts ? { prompts } : {}) });
  }

  const newestFor = (image: vscode.Uri): JobRecord => {
    const job = api.jobs().find((j) => j.imageUri === image.toString());
    assert.ok(job, `no job for ${image.path}`);
    return job;
  };

  it('lists every job newest first with the image, its icon, prompt, options, state and video', async () => {
    const image = workspaceFile('beach.jpg');
    await generate([image]);
    const [top] = api.generations.getChildren();
    assert.equal(top.imageUri, image.toString());
    const item = api.generations.getTreeItem(top);
    assert.equal(item.label, 'beach.jpg');
    assert.equal(item.resourceUri?.toString(), image.toString(), 'the image supplies the icon');
    assert.equal(item.description, `done · ${options.prompt}`);
    assert.match(item.contextValue ?? '', /\bhasVideo\b/);
    assert.match(item.contextValue ?? '', /\bremovable\b/);
    const tooltip = (item.tooltip as vscode.MarkdownString).value.replace(/\\/g, ''); // as shown, without Markdown escapes
    for (const part of [options.prompt, 'ray-v2-flash', '16:9', '720p', 'loop', 'enhance prompt off', 'Video: beach.luma.mp4'])
      assert.ok(tooltip.includes(part), `${part} in ${tooltip}`);
    assert.equal(item.command?.command, 'lumaVideo.job.openVideo');
  });

  it('actions on a finished job: open the video and the image, copy the prompt and a Markdown link, generate again, remove', async () => {
    const image = workspaceFile('beach.jpg');
    const job = newestFor(image);
    const videoName = vscode.Uri.parse(job.videoUri!).path.split('/').pop()!;

    await vscode.commands.executeCommand('lumaVideo.job.openVideo', job);
    await until('the video tab', () => openTabLabels().includes(videoName));
    await vscode.commands.executeCommand('lumaVideo.job.openImage', job);
    await until('the image tab', () => openTabLabels().includes('beach.jpg'));
    await vscode.commands.executeCommand('lumaVideo.job.revealVideo', job);

    await vscode.commands.executeCommand('lumaVideo.job.copyPrompt', job);
    assert.equal(await vscode.env.clipboard.readText(), options.prompt);
    await vscode.commands.executeCommand('lumaVideo.job.copyMarkdownLink', job);
    assert.equal(await vscode.env.clipboard.readText(), `[${videoName}](${videoName})`);

    // Save As…: the save dialog (VS Code's own, as in a browser) starts at "<name> copy.mp4"; accept it.
    const copy = vscode.Uri.joinPath(vscode.Uri.parse(job.videoUri!), '..', videoName.replace('.mp4', ' copy.mp4'));
    const saving = vscode.commands.executeCommand('lumaVideo.job.saveVideoAs', job);
    await new Promise((resolve) => setTimeout(resolve, 800));
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await saving;
    await until('the saved copy', () => exists(copy));
    assert.deepEqual(await vscode.workspace.fs.readFile(copy), await vscode.workspace.fs.readFile(vscode.Uri.parse(job.videoUri!)));

    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const form = await vscode.commands.executeCommand<{ startingOptions(): GenerationOptions }>('lumaVideo.job.generateAgain', job);
    assert.deepEqual(form.startingOptions(), options, "the form starts from the job's prompt and options");
    await until('the form tab', () => openTabLabels().includes('Luma: beach.jpg'));

    await vscode.commands.executeCommand('lumaVideo.job.remove', job);
    assert.equal(
      api.jobs().some((j) => j.id === job.id),
      false,
      'gone from the list',
    );
    assert.ok(await exists(vscode.Uri.parse(job.videoUri!)), 'the video itself is kept');
  });

  it('Retry: a failed job that was never accepted runs again; a paid one is fetched without paying again', async () => {
    const image = workspaceFile('cat.png');
    sim.inject('features', { kind: 'status', status: 400, body: { message: 'Temporarily refused' } });
    await generate([image]);
    const failed = newestFor(image);
    assert.equal(failed.state, 'failed');
    assert.match(api.generations.getTreeItem(failed).contextValue ?? '', /\bretryable\b/);
    await vscode.commands.executeCommand('lumaVideo.job.retry', failed);
    assert.equal(newestFor(image).state, 'done');
    assert.equal(sim.featureCalls, 1);

    // A paid job whose wait was stopped: Retry fetches it.
    sim.reset();
    sim.configure({ generationMs: 60_000 });
    const form = api.formFor(image)!;
    const running = form.messages.receive({ type: 'generate', id: 1, options });
    await until('the service to accept', () => newestFor(image).uuid && newestFor(image).state === 'generating');
    // (The form's Cancel has already asked "Stop waiting?" in the webview; the view's would ask in a dialog.)
    await form.messages.receive({ type: 'cancel', imageUri: image.toString(), confirmed: true });
    await running;
    const stopped = newestFor(image);
    assert.equal(stopped.state, 'stopped');
    sim.finishJob(stopped.uuid!);
    // The view offers it as its messages name it: Fetch Video, not Retry.
    const offers = api.generations.getTreeItem(stopped).contextValue ?? '';
    assert.match(offers, /\bfetchable\b/);
    assert.doesNotMatch(offers, /\bretryable\b/);
    await vscode.commands.executeCommand('lumaVideo.job.fetchVideo', stopped);
    assert.equal(newestFor(image).state, 'done');
    assert.equal(sim.featureCalls, 1, 'not paid again');
    sim.configure({ generationMs: 400 });
  });

  it('Retry of a job that may already have been charged asks first instead of paying again silently', async () => {
    // An image of its own: its job stays "may have been charged" (and so keeps asking) after the test.
    const image = workspaceFile('photos', 'maybe-charged.webp');
    await vscode.workspace.fs.copy(workspaceFile('photos', 'dog.webp'), image, { overwrite: true });
    sim.inject('features', { kind: 'status', status: 502 });
    await generate([image]);
    const failed = newestFor(image);
    assert.equal(failed.state, 'failed');
    assert.equal(failed.mayBeCharged, true);
    assert.match(failed.error ?? '', /may still have reached 1min\.ai and be charged/);
    // The question is a modal dialog, which VS Code refuses to show under test: it must be asked, not skipped.
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('lumaVideo.job.retry', failed)), /dialog/);
    assert.equal(sim.requests.filter((r) => r.endpoint === 'features').length, 1, 'not sent again');
    // So does a new Generate from the image's form (and so Try Again, Generate Again and Ctrl+Enter).
    const form = api.formFor(image)!;
    await assert.rejects(form.messages.receive({ type: 'generate', id: 1, options }), /dialog/);
    assert.equal(sim.requests.filter((r) => r.endpoint === 'features').length, 1, 'not sent again');
    // And so does removing it from the list: nothing else would remind of the possible charge.
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('lumaVideo.job.remove', failed)), /dialog/);
    assert.ok(newestFor(image), 'still in the list');
  });

  it('a batch of three: one form, a prompt per image where given, at most maxConcurrentJobs at a time, three videos', async () => {
    await config().update('maxConcurrentJobs', 2, vscode.ConfigurationTarget.Global);
    sim.configure({ generationMs: 800 });
    const images = [workspaceFile('cat.png'), workspaceFile('beach.jpg'), workspaceFile('photos', 'dog.webp')];
    let peak = 0;
    let sawQueued = false;
    const watch = setInterval(() => {
      const batch = api.jobs().filter((j) => images.some((i) => i.toString() === j.imageUri));
      peak = Math.max(peak, batch.filter((j) => ['uploading', 'requesting', 'generating', 'downloading'].includes(j.state)).length);
      sawQueued ||= batch.some((j) => j.state === 'queued');
    }, 10);
    try {
      await generate(images, { [images[2].toString()]: 'the dog wags its tail' });
    } finally {
      clearInterval(watch);
    }
    assert.equal(api.forms().filter((f) => f.images.length === 3).length, 1, 'one form for all three');
    assert.equal(peak, 2, 'two at a time');
    assert.ok(sawQueued, 'the third waited in the queue');
    for (const image of images) assert.equal(newestFor(image).state, 'done', image.path);
    const prompts = sim.requests
      .filter((r) => r.endpoint === 'features')
      .map((r) => (r.json as { promptObject: { prompt: string } }).promptObject.prompt)
      .sort();
    assert.deepEqual(prompts, [options.prompt, options.prompt, 'the dog wags its tail'].sort());
    assert.equal(sim.featureCalls, 3);
    assert.deepEqual(
      api.recentPrompts().slice(0, 2).sort(),
      [options.prompt, 'the dog wags its tail'].sort(),
      'the newest prompts come first, once each',
    );
  });

  it('Cancel from the view: a queued job is dropped without charge while the running one finishes', async () => {
    await config().update('maxConcurrentJobs', 1, vscode.ConfigurationTarget.Global);
    sim.configure({ generationMs: 1500 });
    const images = [workspaceFile('sunset photo.PNG'), workspaceFile('photos', 'dog.webp')];
    await vscode.commands.executeCommand('lumaVideo.generate', images[0], images);
    const form = await until('the form', () => api.formFor(...images));
    const running = form.messages.receive({ type: 'generate', id: 1, options });
    // Once the other job runs: until then the queued one may be in the list a moment before it is in this window's queue.
    const started = () => api.jobs().some((j) => ['uploading', 'requesting', 'generating'].includes(j.state));
    const queued = await until('a queued job', () => (started() ? api.jobs().find((j) => j.state === 'queued') : undefined));
    assert.match(api.generations.getTreeItem(queued).description as string, /^queued · /);
    assert.match(api.generations.getTreeItem(queued).contextValue ?? '', /\bcancellable\b/);
    assert.doesNotMatch(api.generations.getTreeItem(queued).contextValue ?? '', /\bremovable\b/, 'cancelled first, then removed');
    await vscode.commands.executeCommand('lumaVideo.job.cancel', queued);
    await running;
    const states = images.map((image) => newestFor(image).state);
    assert.equal(states.filter((s) => s === 'done').length, 1);
    assert.equal(states.filter((s) => s === 'cancelled').length, 1);
    assert.equal(sim.featureCalls, 1);
    sim.configure({ generationMs: 400 });
  });

  it('the view is reachable from the Command Palette and says what to do when empty', async () => {
    await vscode.commands.executeCommand('lumaVideo.showGenerations');
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: { viewsWelcome: { view: string; when?: string; contents: string }[] };
    };
    // Without a key it offers Set API Key; with one, Generate Video from Image….
    const welcome = (when: string) => manifest.contributes.viewsWelcome.find((w) => w.view === 'lumaVideo.generations' && w.when === when);
    assert.match(welcome('!lumaVideo.hasApiKey')?.contents ?? '', /\[Set API Key\]\(command:lumaVideo\.setApiKey\)/);
    assert.doesNotMatch(welcome('!lumaVideo.hasApiKey')?.contents ?? '', /command:lumaVideo\.generate/);
    assert.match(welcome('lumaVideo.hasApiKey')?.contents ?? '', /\[Generate Video from Image…\]\(command:lumaVideo\.generate\)/);
    assert.doesNotMatch(welcome('lumaVideo.hasApiKey')?.contents ?? '', /command:lumaVideo\.setApiKey/);
  });
});
