// The first run in the real extension host: the context key that follows the stored key, the
// walkthrough's steps and their commands, and the sample picture's form and video.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { utimes } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LumaVideoApi } from '../../src/extension';
import { Simulator } from '../simulator/simulator';
import { generationOptions } from '../support/fixtures';
import { EXTENSION_ID, exists, loadInWebview, startSuite, until, workspaceFile } from './helpers';

const KEY = 'walkthrough-key-5';
const root = path.resolve(__dirname, '../../..');
const sampleVideo = readFileSync(path.join(root, 'test/simulator/sample.mp4'));

interface Step {
  id: string;
  title: string;
  description: string;
  media: { svg?: string; image?: string; altText: string };
  completionEvents?: string[];
}

/** Every `command:` link of a text, with its arguments. */
function commandLinks(text: string): { id: string; args: unknown[] }[] {
  return [...text.matchAll(/\]\(command:([\w.]+)(?:\?([^)\s]+))?\)/g)].map(([, id, args]) => ({
    id,
    args: args ? (JSON.parse(decodeURIComponent(args)) as unknown[]) : [],
  }));
}

/** Every file under `folder`, as paths relative to it. */
async function filesUnder(folder: vscode.Uri, prefix = ''): Promise<string[]> {
  const found: string[] = [];
  for (const [name, type] of await vscode.workspace.fs.readDirectory(folder)) {
    if (type === vscode.FileType.Directory) found.push(...(await filesUnder(vscode.Uri.joinPath(folder, name), `${prefix}${name}/`)));
    else found.push(`${prefix}${name}`);
  }
  return found.sort();
}

describe('First run: the key context, the walkthrough and the sample picture', function () {
  this.timeout(60_000);
  let api: LumaVideoApi;
  let sim: Simulator;
  const extension = () => vscode.extensions.getExtension(EXTENSION_ID)!;

  before(async () => {
    ({ api, sim } = await startSuite(KEY, 300));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await sim?.stop();
  });

  beforeEach(() => sim.reset());

  it('the context key lumaVideo.hasApiKey follows setting and clearing the key', async () => {
    // Read once at activation, without activation waiting for it.
    await until('the first read of the key', () => api.hasApiKeyContext() !== undefined);
    await vscode.commands.executeCommand('lumaVideo.clearApiKey');
    assert.equal(api.hasApiKeyContext(), false);
    await vscode.commands.executeCommand('lumaVideo.setApiKey', KEY);
    assert.equal(api.hasApiKeyContext(), true);
    assert.equal(await api.hasApiKey(), true);
    await vscode.commands.executeCommand('lumaVideo.clearApiKey');
    assert.equal(api.hasApiKeyContext(), false);
    await vscode.commands.executeCommand('lumaVideo.setApiKey', KEY);
    assert.equal(api.hasApiKeyContext(), true);
  });

  it('the walkthrough has its four steps, each with a shipped picture and links to commands that exist', async () => {
    const walkthroughs = extension().packageJSON.contributes.walkthroughs as { id: string; title: string; steps: Step[] }[];
    assert.equal(walkthroughs.length, 1);
    const steps = walkthroughs[0].steps;
    assert.deepEqual(
      steps.map((step) => step.title),
      ['Set your API key', 'Make your first video', 'Find it in the Generations view', 'Settings worth knowing'],
    );
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const step of steps) {
      const links = commandLinks(step.description);
      assert.ok(links.length > 0, `${step.id} has a button`);
      for (const { id } of links) assert.ok(registered.has(id), `${step.id} links ${id}, which is registered`);
      const picture = step.media.svg ?? step.media.image ?? '';
      assert.match(picture, /^media\/walkthrough\/[\w-]+\.(svg|png)$/);
      const { size } = await vscode.workspace.fs.stat(vscode.Uri.joinPath(extension().extensionUri, picture));
      assert.ok(size > 0 && size < 20_000, `${picture} is small (${size} bytes)`);
      assert.ok(step.media.altText.length > 10, `${step.id} describes its picture`);
    }
    const [key, first, view, settings] = steps.map((step) => commandLinks(step.description));
    assert.deepEqual(key[0], { id: 'lumaVideo.setApiKey', args: [] });
    assert.deepEqual(steps[0].completionEvents, ['onContext:lumaVideo.hasApiKey']);
    assert.deepEqual(first, [
      { id: 'lumaVideo.firstVideo', args: [] },
      { id: 'lumaVideo.firstVideo', args: ['sample'] },
    ]);
    assert.deepEqual(view[0], { id: 'lumaVideo.showGenerations', args: [] });
    assert.deepEqual(settings[0], { id: 'workbench.action.openSettings', args: [`@ext:${EXTENSION_ID}`] });
  });

  it('Make Your First Video… on an image shown in the editor opens its form', async () => {
    const image = workspaceFile('beach.jpg');
    await vscode.commands.executeCommand('vscode.open', image);
    await until('the image preview', () => vscode.window.tabGroups.activeTabGroup.activeTab?.label === 'beach.jpg');
    await vscode.commands.executeCommand('lumaVideo.firstVideo');
    await until('the form on beach.jpg', () => api.formFor(image));
  });

  it('the sample picture: a copy in global storage opens in the form, and its video lands beside it, not in the workspace', async () => {
    const workspace = vscode.workspace.workspaceFolders![0].uri;
    const before = await filesUnder(workspace);
    await vscode.commands.executeCommand('lumaVideo.firstVideo', 'sample');
    const form = await until('the form on the sample', () => api.forms().find((f) => f.images[0].path.endsWith('/sample-lake.jpg')));
    const sample = form.images[0];
    assert.equal(vscode.workspace.getWorkspaceFolder(sample), undefined, `the sample is outside the workspace: ${sample}`);
    assert.match(
      sample.path,
      new RegExp(`/globalStorage/${EXTENSION_ID.replace(/\./g, '\\.')}/sample/sample-lake\\.jpg$`),
      'in global storage',
    );
    const shipped = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extension().extensionUri, 'media/walkthrough/sample-lake.jpg'));
    assert.deepEqual(Buffer.from(await vscode.workspace.fs.readFile(sample)), Buffer.from(shipped));
    assert.ok(shipped.byteLength < 60_000, `the sample is small (${shipped.byteLength} bytes)`);

    // The form may show it: the address it uses loads with the form's own roots.
    await form.whenReady();
    const src = form.panel.webview.asWebviewUri(sample).toString();
    assert.deepEqual(await loadInWebview(src, form.panel.webview.options.localResourceRoots ?? []), {
      status: 200,
      bytes: shipped.byteLength,
    });

    await vscode.commands.executeCommand('lumaVideo.setApiKey', KEY);
    await form.messages.receive({ type: 'generate', id: 1, options: { ...generationOptions, prompt: 'the clouds drift slowly' } });
    assert.equal(form.jobView()?.stage, 'done', JSON.stringify(form.jobView()));
    const video = vscode.Uri.joinPath(sample, '..', 'sample-lake.luma.mp4');
    assert.ok(await exists(video), `${video} exists`);
    assert.deepEqual(Buffer.from(await vscode.workspace.fs.readFile(video)), sampleVideo);
    assert.equal(api.jobs()[0].videoUri, video.toString(), 'the Generations view lists it');

    // Asked again, the same form comes forward; nothing was written into the workspace.
    await vscode.commands.executeCommand('lumaVideo.firstVideo', 'sample');
    assert.equal(api.forms().filter((f) => f.images[0].toString() === sample.toString()).length, 1);
    assert.deepEqual(await filesUnder(workspace), before);
  });
  it('the sample asked for twice at once, with no copy yet: the whole picture, and no partial copy left beside it', async () => {
    await vscode.commands.executeCommand('lumaVideo.firstVideo', 'sample');
    const sample = (await until('the form on the sample', () => api.forms().find((f) => f.images[0].path.endsWith('/sample-lake.jpg'))))
      .images[0];
    const folder = vscode.Uri.joinPath(sample, '..');
    await vscode.workspace.fs.delete(sample);
    await Promise.all([
      vscode.commands.executeCommand('lumaVideo.firstVideo', 'sample'),
      vscode.commands.executeCommand('lumaVideo.firstVideo', 'sample'),
    ]);
    const shipped = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extension().extensionUri, 'media/walkthrough/sample-lake.jpg'));
    assert.deepEqual(Buffer.from(await vscode.workspace.fs.readFile(sample)), Buffer.from(shipped));
    const left = (await vscode.workspace.fs.readDirectory(folder)).map(([name]) => name).filter((name) => name.endsWith('.partial'));
    assert.deepEqual(left, []);
  });

  it('a partial copy a crash left behind goes with the next copy; a fresh one (another window copying) stays', async () => {
    await vscode.commands.executeCommand('lumaVideo.firstVideo', 'sample');
    const sample = (await until('the form on the sample', () => api.forms().find((f) => f.images[0].path.endsWith('/sample-lake.jpg'))))
      .images[0];
    const folder = vscode.Uri.joinPath(sample, '..');
    const old = vscode.Uri.joinPath(folder, '.sample-lake.jpg.0badc0de.partial');
    const fresh = vscode.Uri.joinPath(folder, '.sample-lake.jpg.0f0f0f0f.partial');
    await vscode.workspace.fs.writeFile(old, Buffer.from('half a pic'));
    await vscode.workspace.fs.writeFile(fresh, Buffer.from('half a pic'));
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
    await utimes(old.fsPath, tenMinutesAgo, tenMinutesAgo);
    await vscode.workspace.fs.delete(sample);
    await vscode.commands.executeCommand('lumaVideo.firstVideo', 'sample');
    const left = (await vscode.workspace.fs.readDirectory(folder)).map(([name]) => name).filter((name) => name.endsWith('.partial'));
    assert.deepEqual(left, ['.sample-lake.jpg.0f0f0f0f.partial']);
    await vscode.workspace.fs.delete(fresh);
  });
});
