// Settings in the real extension host (code-server: a remote extension host, as in SSH, WSL or a
// container): where the key may go, what a workspace may spend, what a form may read.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LumaVideoApi } from '../../src/extension';
import type { GenerateReply } from '../../src/shared/messages';
import type { GenerationOptions } from '../../src/shared/options';
import { Simulator } from '../simulator/simulator';
import { EXTENSION_ID, exists, loadInWebview, readLogs, startSuite, until, workspaceFile } from './helpers';

const KEY = 'settings-key-3/+=-';
const options: GenerationOptions = {
  prompt: 'the grass sways',
  length: 5,
  enhancePrompt: false,
  modelName: 'ray-v2',
  aspectRatio: '',
  resolution: '',
  loop: false,
};
const config = () => vscode.workspace.getConfiguration('lumaVideo');

/** Whether `uri` is one of `roots` or inside one. */
function isUnder(uri: vscode.Uri, roots: readonly vscode.Uri[]): boolean {
  return roots.some(
    (root) =>
      root.scheme === uri.scheme &&
      root.authority === uri.authority &&
      (uri.path === root.path || uri.path.startsWith(`${root.path.replace(/\/$/, '')}/`)),
  );
}

describe("Settings: the key, the quota and the form's files", function () {
  this.timeout(90_000);
  let api: LumaVideoApi;
  let sim: Simulator;

  before(async () => {
    ({ api, sim } = await startSuite(KEY, 300, KEY));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await sim?.stop();
  });

  beforeEach(() => sim.reset());

  async function generate(image: vscode.Uri) {
    await vscode.commands.executeCommand('lumaVideo.generate', image);
    const form = await until('the form', () => api.formFor(image));
    await form.messages.receive({ type: 'generate', id: 1, options });
    return form;
  }

  it('the manifest makes both addresses application-scoped and restricts the settings that spend the key', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    const groups = manifest.contributes.configuration as { properties: Record<string, { scope?: string }> }[];
    const properties = Object.assign({}, ...groups.map((group) => group.properties));
    assert.equal(properties['lumaVideo.apiBaseUrl'].scope, 'application');
    assert.equal(properties['lumaVideo.assetBaseUrl'].scope, 'application');
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    for (const key of ['outputFolder', 'pollIntervalSeconds', 'maxPollIntervalSeconds', 'maxConcurrentJobs']) {
      assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(`lumaVideo.${key}`), key);
    }
  });

  it("apiBaseUrl in the workspace's .vscode/settings.json is ignored: the key goes to the user's address only", async () => {
    const collector = await Simulator.start({ apiKey: KEY });
    const settingsFile = workspaceFile('.vscode', 'settings.json');
    // `loop` rides along to tell when VS Code has read the file.
    await vscode.workspace.fs.writeFile(
      settingsFile,
      Buffer.from(
        JSON.stringify({
          'lumaVideo.apiBaseUrl': collector.apiBaseUrl,
          'lumaVideo.assetBaseUrl': collector.assetBaseUrl,
          'lumaVideo.loop': true,
        }),
      ),
    );
    try {
      await until('the workspace settings to be read', () => config().inspect('loop')?.workspaceValue === true);
      assert.equal(config().get('apiBaseUrl'), sim.apiBaseUrl, 'VS Code gives the user value');
      const form = await generate(workspaceFile('cat.png'));
      assert.equal(form.jobView()?.stage, 'done', JSON.stringify(form.jobView()));
      assert.equal(sim.featureCalls, 1, "the generation went to the user's address");
      assert.deepEqual(
        collector.requests.map((request) => `${request.method} ${request.path}`),
        [],
        "nothing reached the workspace's address",
      );
    } finally {
      await vscode.workspace.fs.delete(workspaceFile('.vscode'), { recursive: true });
      await until('the workspace settings to be gone', () => config().inspect('loop')?.workspaceValue === undefined);
      await collector.stop();
    }
  });

  it('poll intervals of 1 ms in the user settings are held to 1 s: a few checks, the first after half a second or more', async () => {
    await config().update('pollIntervalSeconds', 0.001, vscode.ConfigurationTarget.Global);
    await config().update('maxPollIntervalSeconds', 0.001, vscode.ConfigurationTarget.Global);
    sim.configure({ generationMs: 2500 });
    try {
      const form = await generate(workspaceFile('cat.png'));
      assert.equal(form.jobView()?.stage, 'done', JSON.stringify(form.jobView()));
      const accepted = sim.requests.find((request) => request.endpoint === 'features');
      const polls = sim.requests.filter((request) => request.endpoint === 'result');
      assert.ok(accepted && polls.length > 0);
      // A 1 s step waits 0.5 to 1 s with jitter; 1 ms would have sent hundreds in 2.5 s.
      assert.ok(polls[0].at - accepted.at >= 490, `first check ${polls[0].at - accepted.at} ms after the request`);
      assert.ok(polls.length <= 7, `${polls.length} checks in 2.5 s`);
    } finally {
      sim.configure({ generationMs: 300 });
      await config().update('pollIntervalSeconds', undefined, vscode.ConfigurationTarget.Global);
      await config().update('maxPollIntervalSeconds', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('maxImageSizeMB below its minimum is held to 0.1 MB: a larger image is refused before anything is sent', async () => {
    const image = workspaceFile('large.png');
    const png = Buffer.alloc(150 * 1024);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png);
    await vscode.workspace.fs.writeFile(image, png);
    await config().update('maxImageSizeMB', 0.005, vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('lumaVideo.generate', image);
      const form = await until('the form', () => api.formFor(image));
      // What the form is told (its webview's postMessage, watched from here).
      const posted: unknown[] = [];
      const webview = form.panel.webview;
      const post = webview.postMessage.bind(webview);
      webview.postMessage = (message: unknown) => (posted.push(message), post(message));
      await form.messages.receive({ type: 'generate', id: 1, options });
      const reply = posted.find((message) => (message as { type?: string }).type === 'reply') as { reply: GenerateReply } | undefined;
      assert.equal(reply?.reply.status, 'invalid');
      assert.match(
        (reply?.reply as { fileErrors?: Record<string, string> }).fileErrors?.[image.toString()] ?? '',
        /large\.png is 150\.0 KB, over the 102\.4 KB limit, and it could not be made smaller here\. Resize or compress it/,
      );
      assert.equal(form.jobView(), undefined, 'no job');
      assert.equal(sim.requests.length, 0);
    } finally {
      await config().update('maxImageSizeMB', undefined, vscode.ConfigurationTarget.Global);
      await vscode.workspace.fs.delete(image);
    }
  });

  it("a form reads only its images' folders and its own videos' folders, never the outputFolder setting's", async () => {
    const outputFolder = `luma-roots-${Date.now()}`;
    const target = workspaceFile(outputFolder);
    const image = workspaceFile('photos', 'dog.webp');
    await config().update('outputFolder', outputFolder, vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('lumaVideo.generate', image);
      const form = await until('the form', () => api.formFor(image));
      const rootsBefore = [...(form.panel.webview.options.localResourceRoots ?? [])];
      assert.ok(isUnder(image, rootsBefore), 'the image can be shown');
      assert.ok(!isUnder(target, rootsBefore), `the output folder is not readable yet: ${rootsBefore.map(String).join(', ')}`);

      await form.whenReady();
      const generatedAt = Date.now();
      /** The log's "Form … ready" lines for this image since Generate (the log stamps local time). */
      const readiesSinceGenerate = async () =>
        (await readLogs(api.logUri))
          .split('\n')
          .filter(
            (line) =>
              line.includes('Form "Luma: dog.webp" ready in') && new Date(line.slice(0, 23).replace(' ', 'T')).getTime() > generatedAt,
          ).length;
      await form.messages.receive({ type: 'generate', id: 1, options });
      const view = form.jobView();
      assert.equal(view?.stage, 'done', JSON.stringify(view));
      const video = vscode.Uri.parse(api.jobs().find((job) => job.imageUri === image.toString())!.videoUri!);
      assert.ok(await exists(video));
      assert.ok(isUnder(video, [target]), `saved in the output folder: ${video}`);
      const rootsAfter = form.panel.webview.options.localResourceRoots ?? [];
      assert.ok(isUnder(target, rootsAfter), 'the folder of the saved video became readable');
      // The new roots reloaded the webview once, and it asked for its state again (video included).
      await until('the reloaded form to be ready', async () => (await readiesSinceGenerate()) === 1);

      // The src the form shows loads with the form's roots now, and did not with the first ones.
      const src = view!.video!.src;
      const size = (await vscode.workspace.fs.stat(video)).size;
      assert.deepEqual(await loadInWebview(src, rootsAfter), { status: 200, bytes: size });
      assert.notEqual((await loadInWebview(src, rootsBefore)).status, 200);

      // A form opened afresh for the image starts with its finished video's folder.
      form.panel.dispose();
      await vscode.commands.executeCommand('lumaVideo.generate', image);
      const reopened = await until('the reopened form', () => (api.formFor(image) !== form ? api.formFor(image) : undefined));
      assert.ok(isUnder(target, reopened.panel.webview.options.localResourceRoots ?? []));
    } finally {
      await config().update('outputFolder', undefined, vscode.ConfigurationTarget.Global);
      await vscode.workspace.fs.delete(target, { recursive: true }).then(undefined, () => undefined);
    }
  });
});
