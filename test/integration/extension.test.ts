// Inside the real extension host: commands, the form, a generation through the form's message
// path against the simulator, and the key in SecretStorage.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LumaVideoApi } from '../../src/extension';
import type { GenerationOptions } from '../../src/shared/options';
import { Simulator } from '../simulator/simulator';
import { exists, readLogs, startSuite, until, workspaceFile } from './helpers';
import { generationOptions } from '../support/fixtures';

const KEY = 'integration-key-42';
const root = path.resolve(__dirname, '../../..');
const sampleVideo = readFileSync(path.join(root, 'test/simulator/sample.mp4'));
const options: GenerationOptions = { ...generationOptions, prompt: 'the clouds drift slowly' };

function formTab(label: string): vscode.Tab | undefined {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .find((tab) => tab.label === label && tab.input instanceof vscode.TabInputWebview);
}

describe('Luma Image to Video in a real VS Code', function () {
  this.timeout(60_000);
  let api: LumaVideoApi;
  let sim: Simulator;

  before(async () => {
    ({ api, sim } = await startSuite(KEY, 500));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await sim?.stop();
  });

  beforeEach(() => sim.reset());

  async function openForm(image: vscode.Uri) {
    await vscode.commands.executeCommand('lumaVideo.generate', image);
    return until('the form', () => api.formFor(image));
  }

  it('registers its three commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['lumaVideo.generate', 'lumaVideo.setApiKey', 'lumaVideo.clearApiKey']) assert.ok(commands.includes(id), id);
  });

  it('set and clear the key round-trip through SecretStorage', async () => {
    await vscode.commands.executeCommand('lumaVideo.clearApiKey');
    assert.equal(await api.hasApiKey(), false);
    await vscode.commands.executeCommand('lumaVideo.setApiKey', 'some-other-key');
    assert.equal(await api.hasApiKey(), true);
    await vscode.commands.executeCommand('lumaVideo.clearApiKey');
    assert.equal(await api.hasApiKey(), false);
    // The key is nowhere in the settings.
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('lumaVideo')).includes('some-other-key'));
  });

  it('the generate command with an image URI opens the form "Luma: cat.png"', async () => {
    const image = workspaceFile('cat.png');
    await vscode.commands.executeCommand('lumaVideo.generate', image);
    const tab = await until('the form tab', () => formTab('Luma: cat.png'));
    assert.match((tab.input as vscode.TabInputWebview).viewType, /lumaVideo\.form/);
    assert.ok(api.formFor(image), 'the form is tracked for the image');
    // Running it again brings the same form forward instead of opening a second one.
    await vscode.commands.executeCommand('lumaVideo.generate', image);
    assert.equal(vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label === 'Luma: cat.png').length, 1);
  });

  it("a submit through the form's message path writes the video beside the image, then the next one as -2", async () => {
    await vscode.commands.executeCommand('lumaVideo.setApiKey', KEY);
    const image = workspaceFile('cat.png');
    await vscode.commands.executeCommand('lumaVideo.generate', image);
    const form = await until('the form', () => api.formFor(image));

    await form.messages.receive({ type: 'generate', id: 1, options });
    const outcome = await form.whenIdle();
    assert.equal(outcome, undefined, 'receive waits for the job');
    assert.equal(form.jobView()?.stage, 'done', JSON.stringify(form.jobView()));
    assert.equal(form.jobView()?.video?.name, 'cat.luma.mp4');
    const video = workspaceFile('cat.luma.mp4');
    assert.deepEqual(Buffer.from(await vscode.workspace.fs.readFile(video)), sampleVideo);
    assert.equal(sim.featureCalls, 1);

    await form.messages.receive({ type: 'generate', id: 1, options: { ...options, length: 10 } });
    assert.equal(form.jobView()?.video?.name, 'cat.luma-2.mp4');
    assert.ok(await exists(workspaceFile('cat.luma-2.mp4')));
    assert.deepEqual(Buffer.from(await vscode.workspace.fs.readFile(video)), sampleVideo, 'the first video is untouched');
    const storageHeaders = sim.requests.filter((r) => r.server === 'storage').map((r) => r.headers['api-key']);
    assert.deepEqual(storageHeaders.filter(Boolean), [], 'the key never went to the download host');

    // The log tells each step and never the key.
    const log = await until('the log to be written', async () => {
      const text = await readLogs(api.logUri);
      return text.includes('Saved the video as cat.luma-2.mp4') ? text : undefined;
    });
    assert.match(log, /Uploaded as images\//);
    assert.match(log, /Generation accepted/);
    assert.ok(!log.includes(KEY), 'the key is in the log');
  });

  it('outputFolder: a relative folder is created in the workspace and the video goes there', async () => {
    const config = vscode.workspace.getConfiguration('lumaVideo');
    await config.update('outputFolder', 'videos/luma', vscode.ConfigurationTarget.Global);
    try {
      const image = workspaceFile('beach.jpg');
      await vscode.commands.executeCommand('lumaVideo.generate', image);
      const form = await until('the form', () => api.formFor(image));
      await form.messages.receive({ type: 'generate', id: 1, options });
      assert.equal(form.jobView()?.stage, 'done', JSON.stringify(form.jobView()));
      assert.ok(await exists(workspaceFile('videos', 'luma', 'beach.luma.mp4')));
      assert.equal(await exists(workspaceFile('beach.luma.mp4')), false);
    } finally {
      await config.update('outputFolder', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('cancel before the service accepted the job: nothing charged, nothing written', async () => {
    sim.inject('upload', { kind: 'hang' });
    const image = workspaceFile('cat.png');
    const form = await openForm(image);
    const running = form.messages.receive({ type: 'generate', id: 1, options });
    await until('uploading', () => form.jobView()?.stage === 'uploading');
    await form.messages.receive({ type: 'cancel' });
    await running;
    assert.equal(form.jobView()?.stage, 'cancelled');
    assert.match(form.jobView()?.note ?? '', /nothing was charged/);
    assert.equal(form.jobView()?.fetchable, false);
    assert.equal(sim.featureCalls, 0);
  });

  it('cancel while generating stops waiting but keeps the paid job; Fetch Video gets it without paying again', async () => {
    sim.configure({ generationMs: 60_000 });
    const image = workspaceFile('photos', 'dog.webp');
    const form = await openForm(image);
    const running = form.messages.receive({ type: 'generate', id: 1, options });
    await until('the service to accept the job', () => form.jobView()?.accepted && form.jobView()?.stage === 'generating');
    // Without the page's "Stop waiting?" answer, the host asks itself (a dialog, refused under test).
    await assert.rejects(form.messages.receive({ type: 'cancel' }), /dialog/);
    assert.equal(form.jobView()?.stage, 'generating', 'still waiting');
    // The page asked and the person chose Stop Waiting.
    await form.messages.receive({ type: 'cancel', confirmed: true });
    await running;
    assert.equal(form.jobView()?.stage, 'cancelled');
    assert.equal(form.jobView()?.fetchable, true);
    assert.match(form.jobView()?.note ?? '', /paid for: press Fetch Video/);
    assert.equal(await exists(workspaceFile('photos', 'dog.luma.mp4')), false);
    const job = api.jobs().find((j) => j.imageUri === image.toString());
    assert.equal(job?.state, 'stopped');
    assert.ok(job?.uuid);

    sim.finishJob(job.uuid);
    await form.messages.receive({ type: 'fetch', imageUri: image.toString() });
    assert.equal(form.jobView()?.stage, 'done', JSON.stringify(form.jobView()));
    assert.deepEqual(Buffer.from(await vscode.workspace.fs.readFile(workspaceFile('photos', 'dog.luma.mp4'))), sampleVideo);
    assert.equal(sim.featureCalls, 1, 'fetching did not pay again');
    sim.configure({ generationMs: 500 });
  });

  it('the key prompt: dismissing it sends nothing and offers "Set API Key"', async () => {
    await vscode.commands.executeCommand('lumaVideo.clearApiKey');
    const image = workspaceFile('cat.png');
    const form = await openForm(image);
    const running = form.messages.receive({ type: 'generate', id: 1, options });
    // The masked input box is up: press Escape on it (as often as needed until the job settles).
    let settled = false;
    void running.then(() => (settled = true));
    while (!settled) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    }
    assert.equal(form.jobView()?.stage, 'failed');
    assert.equal(form.jobView()?.error?.remedy, 'setApiKey');
    assert.match(form.jobView()?.error?.message ?? '', /No 1min\.ai API key is set, so nothing was sent/);
    assert.equal(sim.requests.length, 0);
    await vscode.commands.executeCommand('lumaVideo.setApiKey', KEY);
  });

  it('injected bad values and unknown messages are refused before anything is sent', async () => {
    const image = workspaceFile('beach.jpg');
    await vscode.commands.executeCommand('lumaVideo.generate', image);
    const form = await until('the form', () => api.formFor(image));
    const jobsBefore = api.jobs().length;
    await form.messages.receive({ type: 'generate', id: 1, options: { ...options, length: 7 } });
    await form.messages.receive({ type: 'generate', id: 1, options: { ...options, prompt: '   ' } });
    await form.messages.receive({ type: 'generate', id: 1, options: { ...options, modelName: 'ray-v9', loop: 'yes' } });
    await form.messages.receive({ type: 'runShell', command: 'rm -rf /' });
    // A request without a usable id is dropped too: its reply could go nowhere.
    await form.messages.receive({ type: 'generate', options });
    await form.messages.receive({ type: 'generate', id: 'x', options });
    assert.equal(api.jobs().length, jobsBefore, 'no job started');
    assert.equal(sim.requests.length, 0, 'nothing reached the service');
  });

  it('a wrong key fails with the remedy "Set API Key" and writes nothing', async () => {
    await vscode.commands.executeCommand('lumaVideo.setApiKey', 'not-the-right-key');
    const image = workspaceFile('photos', 'dog.webp');
    const before = await vscode.workspace.fs.readDirectory(workspaceFile('photos'));
    const form = await openForm(image);
    await form.messages.receive({ type: 'generate', id: 1, options });
    assert.equal(form.jobView()?.stage, 'failed');
    assert.equal(form.jobView()?.error?.remedy, 'setApiKey');
    assert.match(form.jobView()?.error?.message ?? '', /did not accept your API key/);
    assert.deepEqual(await vscode.workspace.fs.readDirectory(workspaceFile('photos')), before, 'nothing written');
    assert.equal(sim.featureCalls, 0);
    await vscode.commands.executeCommand('lumaVideo.setApiKey', KEY);
  });

  it('a renamed text file is refused with a clear message before anything is sent', async () => {
    const image = workspaceFile('fake.png');
    await vscode.commands.executeCommand('lumaVideo.generate', image);
    const form = await until('the form', () => api.formFor(image));
    await form.messages.receive({ type: 'generate', id: 1, options });
    assert.equal(form.jobView()?.stage, 'failed');
    assert.match(form.jobView()?.error?.message ?? '', /fake\.png is not an image/);
    assert.equal(sim.requests.length, 0);
  });

  it('a copy the page made of another version of the file, or of one it never read, is not sent', async () => {
    const image = workspaceFile('changing.png');
    await vscode.workspace.fs.copy(workspaceFile('cat.png'), image, { overwrite: true });
    const form = await openForm(image);
    const posted: { type?: string; id?: number; reply?: Record<string, unknown> }[] = [];
    const webview = form.panel.webview;
    const post = webview.postMessage.bind(webview);
    webview.postMessage = (message: unknown) => (posted.push(message as (typeof posted)[number]), post(message));
    const replyTo = (id: number) => posted.find((message) => message.type === 'reply' && message.id === id)?.reply;
    const copy = new Uint8Array(readFileSync(path.join(__dirname, '../../../test/fixtures/workspace/beach.jpg')));

    await form.messages.receive({ type: 'generate', id: 1, options, prepared: { [image.toString()]: copy } });
    assert.equal(replyTo(1)?.status, 'invalid');
    assert.deepEqual(Object.keys(replyTo(1)?.changed as object), [image.toString()], 'never read by the page: made again');

    await form.messages.receive({ type: 'imageBytes', id: 2, imageUri: image.toString() });
    const given = replyTo(2) as { status: string; bytes: Uint8Array };
    assert.equal(given.status, 'ok');
    assert.ok(given.bytes instanceof Uint8Array && !Buffer.isBuffer(given.bytes), 'plain bytes: a Buffer would reach the page as JSON');
    assert.deepEqual(Buffer.from(given.bytes), readFileSync(image.fsPath));

    await new Promise((resolve) => setTimeout(resolve, 20)); // a later modification time
    await vscode.workspace.fs.writeFile(image, readFileSync(path.join(__dirname, '../../../test/fixtures/workspace/sunset photo.PNG')));
    await form.messages.receive({ type: 'generate', id: 3, options, prepared: { [image.toString()]: copy } });
    const changed = replyTo(3)?.changed as Record<string, { format: string }>;
    assert.equal(changed[image.toString()].format, 'PNG', 'what the file is now');
    assert.equal(form.jobView(), undefined, 'no job');
    assert.equal(sim.requests.length, 0, 'nothing sent');
    await vscode.workspace.fs.delete(image);
  });

  it('an image that vanished between the click and Generate, and one that cannot be read: clear messages, nothing sent', async () => {
    const vanishing = workspaceFile('vanishing.png');
    await vscode.workspace.fs.copy(workspaceFile('cat.png'), vanishing);
    const form = await openForm(vanishing);
    await vscode.workspace.fs.delete(vanishing);
    await form.messages.receive({ type: 'generate', id: 1, options });
    assert.match(form.jobView()?.error?.message ?? '', /vanishing\.png is no longer there \(moved or deleted\?\)\. Choose the image again/);

    const folder = workspaceFile('not-a-file.png');
    await vscode.workspace.fs.createDirectory(folder);
    const unreadable = await openForm(folder);
    await unreadable.messages.receive({ type: 'generate', id: 1, options });
    assert.match(unreadable.jobView(folder)?.error?.message ?? '', /not-a-file\.png could not be read/);
    assert.equal(sim.requests.length, 0);
  });

  it('from the image preview (no URI passed): takes the image from the active tab', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const image = workspaceFile('sunset photo.PNG');
    await vscode.commands.executeCommand('vscode.openWith', image, 'imagePreview.previewEditor');
    await until('the image preview', () => vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputCustom);
    await vscode.commands.executeCommand('lumaVideo.generate', { webview: 'imagePreview.previewEditor' });
    await until('the form', () => formTab('Luma: sunset photo.PNG'));
  });
});
