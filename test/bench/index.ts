// Measured inside the real extension host (run by scripts/bench.mjs through the integration
// runner): activate() time from the extension's own log, time for the form to come up, and 50
// jobs through the queue with the host staying responsive. Prints `name: value` lines.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LumaVideoApi } from '../../src/extension';
import type { GenerationOptions } from '../../src/shared/options';
import { Simulator } from '../simulator/simulator';
import { EXTENSION_ID, readLogs } from '../integration/helpers';
import { generationOptions } from '../support/fixtures';

const KEY = 'bench-key';
const QUEUE_SIZE = 50;
const options: GenerationOptions = { ...generationOptions, prompt: 'slow zoom in' };

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];
const print = (name: string, value: number | string) => console.log(`${name}: ${value}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function run(): Promise<void> {
  const root = vscode.workspace.workspaceFolders![0].uri;
  const api = await vscode.extensions.getExtension<LumaVideoApi>(EXTENSION_ID)!.activate();

  // activate(): what the extension logged about itself.
  let logged: RegExpMatchArray | null = null;
  for (let i = 0; i < 100 && !logged; i++, await sleep(50)) logged = (await readLogs(api.logUri)).match(/Activated in ([\d.]+) ms/);
  assert.ok(logged, 'the extension logged its activation');
  print('activate_ms', Number(logged[1]).toFixed(1));

  // The form: command to webview "ready", five times.
  const image = vscode.Uri.joinPath(root, 'cat.png');
  const opens: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await vscode.commands.executeCommand('lumaVideo.generate', image);
    const form = api.formFor(image)!;
    await form.whenReady();
    opens.push(performance.now() - started);
    form.panel.dispose();
    await sleep(200);
  }
  print('form_open_ms', median(opens).toFixed(0));

  // 50 jobs at once against a simulator answering in 100 ms.
  const sim = await Simulator.start({ apiKey: KEY, latencyMs: 100, generationMs: 1000 });
  try {
    const config = vscode.workspace.getConfiguration('lumaVideo');
    await config.update('apiBaseUrl', sim.apiBaseUrl, vscode.ConfigurationTarget.Global);
    await config.update('assetBaseUrl', sim.assetBaseUrl, vscode.ConfigurationTarget.Global);
    await config.update('pollIntervalSeconds', 1, vscode.ConfigurationTarget.Global);
    await config.update('outputFolder', 'bench-videos', vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('lumaVideo.setApiKey', KEY);
    const limit = config.get<number>('maxConcurrentJobs', 2);
    const bytes = await vscode.workspace.fs.readFile(image);
    const images: vscode.Uri[] = [];
    for (let i = 0; i < QUEUE_SIZE; i++) {
      const copy = vscode.Uri.joinPath(root, 'bench', `frame-${String(i).padStart(2, '0')}.png`);
      await vscode.workspace.fs.writeFile(copy, bytes);
      images.push(copy);
    }
    const form = (await vscode.commands.executeCommand('lumaVideo.generate', images[0], images)) as {
      messages: { receive(m: unknown): Promise<void> };
    };
    let peak = 0;
    const answers: number[] = [];
    let done = false;
    const started = performance.now();
    const queue = form.messages.receive({ type: 'generate', id: 1, options });
    const probe = (async () => {
      while (api.jobs().length === 0) await sleep(10);
      const job = api.jobs()[0];
      while (!done) {
        const started = performance.now();
        await vscode.commands.executeCommand('lumaVideo.job.copyPrompt', job.id);
        answers.push(performance.now() - started);
        const active = api.jobs().filter((j) => ['uploading', 'requesting', 'generating', 'downloading'].includes(j.state)).length;
        peak = Math.max(peak, active);
        await sleep(100);
      }
    })();
    await queue;
    const seconds = (performance.now() - started) / 1000;
    done = true;
    await probe;
    const landed = api.jobs().filter((j) => j.state === 'done' && images.some((i) => i.toString() === j.imageUri)).length;
    print('queue_50_total_s', seconds.toFixed(1));
    print('queue_50_videos_landed', landed);
    print('queue_concurrency_limit', limit);
    print('queue_concurrency_peak', peak);
    print('command_median_ms_during_queue', median(answers).toFixed(1));
    print('command_p95_ms_during_queue', percentile(answers, 0.95).toFixed(1));
    print('command_max_ms_during_queue', Math.max(...answers).toFixed(1));
  } finally {
    await sim.stop();
  }
}
