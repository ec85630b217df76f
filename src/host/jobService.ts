// The job machine (src/jobs/machine.ts) adapted to VS Code: what it needs from VS Code (reading
// images through workspace.fs, the key, modal questions, the output folder), and what VS Code
// shows of it (a cancellable progress notification per running job, the status bar item, a
// message when a video or a batch is done). The job's life itself is not decided here.
import { createHash, randomUUID } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkImage } from '../files/imageCheck';
import type { ImageInput } from '../jobs/generation';
import type { JobRecord } from '../jobs/job';
import { JobStore } from '../jobs/jobStore';
import { JobMachine, JobPorts, NewJob, Question } from '../jobs/machine';
import { isUnfinished, JobSnapshot, stageText } from '../jobs/jobStatus';
import { OneMinClient } from '../onemin/client';
import { LumaError } from '../util/lumaError';
import type { GenerationOptions } from '../shared/options';
import type { Logger } from '../util/log';
import { ApiKeyStore } from './apiKey';
import { readSettings } from './settings';
import { JobStatusBar } from './statusBar';
import { outputFolderFor, videoOutputFor } from './videoOutput';
import { openVideo, revealInExplorer } from './videoActions';

const OPEN_VIDEO = 'Open Video';
const REVEAL = 'Reveal in Explorer';
const SHOW_GENERATIONS = 'Show Generations';
/** Where an earlier version kept the job list (VS Code's workspace storage). */
const LEGACY_KEY = 'lumaVideo.jobs';

/** One folder per workspace, shared by every window of it (a window's own storage is not). */
export function jobStoreFolder(globalStorage: vscode.Uri): string {
  const identity =
    vscode.workspace.workspaceFile?.toString() ??
    (vscode.workspace.workspaceFolders ?? [])
      .map((folder) => folder.uri.toString())
      .sort()
      .join('\n');
  const key = identity ? createHash('sha256').update(identity).digest('hex').slice(0, 16) : 'no-folder';
  return path.join(globalStorage.fsPath, 'jobs', key);
}

export class JobService implements vscode.Disposable {
  readonly machine: JobMachine;
  private readonly store: JobStore;
  private readonly changed = new vscode.EventEmitter<JobSnapshot>();
  /** Fires with a job's snapshot whenever it changes or is removed. */
  readonly onDidChange = this.changed.event;
  private readonly notifications = new Map<string, { report: (text: string) => void; done: () => void }>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly keys: ApiKeyStore,
    private readonly log: Logger,
    private readonly statusBar: JobStatusBar,
    storeFolder: string,
    /** Removes the keys from text that is kept or shown. */
    readonly redact: (text: string) => string,
  ) {
    const store = new JobStore({ dir: storeFolder, log, owner: { hostId: randomUUID(), pid: process.pid, hostname: os.hostname() } });
    this.store = store;
    this.machine = new JobMachine({ store, ports: this.ports(), log, redact, concurrency: () => readSettings().maxConcurrentJobs });
    this.unsubscribe.push(
      this.machine.onDidChange((snapshot) => this.onChange(snapshot)),
      this.machine.onDidSettle((job) => this.announce(job)),
    );
  }

  /** Whether a job is queued or running, as the list says (here, elsewhere, or interrupted). */
  hasUnfinished(): boolean {
    return this.machine.snapshots().some(({ job }) => isUnfinished(job));
  }

  hasLegacy(state: vscode.Memento): boolean {
    return state.get<unknown>(LEGACY_KEY) !== undefined;
  }

  /** Brings in the list an earlier version kept in workspace storage, once. */
  importLegacy(state: vscode.Memento): void {
    const legacy = state.get<unknown>(LEGACY_KEY);
    if (legacy === undefined) return;
    const count = this.store.importLegacy(legacy, this.redact);
    if (count > 0) this.log.info(`Moved ${count} job(s) from the earlier job list.`);
    void state.update(LEGACY_KEY, undefined);
  }

  private ports(): JobPorts {
    return {
      readImage: (job) => readImage(job),
      apiKey: (ask) => (ask ? this.keys.getOrAsk() : this.keys.get()),
      client: (job, apiKey) => {
        const settings = readSettings(vscode.Uri.parse(job.imageUri));
        return new OneMinClient({ apiBaseUrl: settings.apiBaseUrl, assetBaseUrl: settings.assetBaseUrl, apiKey, log: this.log });
      },
      output: (job) => videoOutputFor(vscode.Uri.parse(job.outputFolder), job.imageName, job.id),
      videoUri: (job, fileName) => vscode.Uri.joinPath(vscode.Uri.parse(job.outputFolder), fileName).toString(),
      confirm: (question) => confirm(question),
      poll: (job) => readSettings(vscode.Uri.parse(job.imageUri)).poll,
    };
  }

  /** Queues a generation per image (one batch when several); [] when the person declined. */
  async start(items: { image: vscode.Uri; options: GenerationOptions }[]): Promise<JobRecord[]> {
    const requests: NewJob[] = items.map(({ image, options }) => ({
      imageUri: image.toString(),
      imageName: image.path.split('/').pop() ?? 'image',
      outputFolder: outputFolderFor(image, readSettings(image).outputFolder).toString(),
      options,
    }));
    return this.machine.start(requests, items.length > 1 ? randomUUID() : undefined);
  }

  /** Called once at activation: resumes paid jobs left unfinished, and says so. */
  async resumeUnfinished(): Promise<void> {
    const resumed = await this.machine.recover();
    if (resumed.length === 0) return;
    const names = resumed.map((job) => job.imageName).join(', ');
    void vscode.window.showInformationMessage(
      resumed.length === 1
        ? `Luma: resuming an unfinished video (${names}). It was already paid for.`
        : `Luma: resuming ${resumed.length} unfinished videos (${names}). They were already paid for.`,
    );
  }

  private onChange(snapshot: JobSnapshot): void {
    this.changed.fire(snapshot);
    const { job, live, here } = snapshot;
    const shown = this.notifications.get(job.id);
    if (here && live && !shown) this.showProgress(job);
    else if (shown && !here) {
      shown.done();
      this.notifications.delete(job.id);
    } else if (shown && live) shown.report(stageText(snapshot));
    this.showStatus();
  }

  /** A cancellable notification while the job runs here; Cancel asks before it stops waiting for a paid video. */
  private showProgress(job: JobRecord): void {
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    let lastText = '';
    const entry: { report: (text: string) => void; done: () => void } = { report: () => undefined, done };
    this.notifications.set(job.id, entry);
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Luma: ${job.imageName}`, cancellable: true },
      (progress, token) => {
        entry.report = (text) => {
          if (text !== lastText) progress.report({ message: text });
          lastText = text;
        };
        // The job as it is when VS Code shows the notification, which may be a moment later.
        const now = this.machine.snapshot(job.id);
        if (now) entry.report(stageText(now));
        token.onCancellationRequested(() => void this.machine.cancel(job.id));
        return finished;
      },
    );
  }

  private showStatus(): void {
    const running = this.machine.snapshots().filter((s) => s.here && s.live);
    const { queued } = this.machine.counts();
    this.statusBar.show(
      running.map((s) => `${s.job.imageName}: ${stageText(s)}`),
      queued,
    );
  }

  /** A message per finished video, or for a batch one when its last job ends, however it ended. */
  private announce(job: JobRecord): void {
    const batch = job.batchId ? this.machine.snapshots().filter((s) => s.job.batchId === job.batchId) : [];
    if (batch.length <= 1) {
      if (job.state !== 'done' || !job.videoUri) return; // failures and cancels show where they happened
      const videoUri = vscode.Uri.parse(job.videoUri);
      void vscode.window.showInformationMessage(`Luma: ${videoUri.path.split('/').pop()} is ready.`, OPEN_VIDEO, REVEAL).then((choice) => {
        if (choice === OPEN_VIDEO) void openVideo(videoUri);
        if (choice === REVEAL) void revealInExplorer(videoUri);
      });
      return;
    }
    if (batch.some((s) => s.here || s.elsewhere)) return;
    const done = batch.filter((s) => s.job.state === 'done').length;
    const message =
      done === batch.length
        ? `Luma: all ${batch.length} videos of the batch are ready.`
        : `Luma: ${done} of ${batch.length} videos of the batch are ready; see Luma Generations for the others.`;
    void vscode.window.showInformationMessage(message, SHOW_GENERATIONS).then((choice) => {
      if (choice === SHOW_GENERATIONS) void vscode.commands.executeCommand('lumaVideo.showGenerations');
    });
  }

  /** Lets a generation request that is out get its answer saved, then stops (deactivate). */
  shutdown(): Promise<void> {
    return this.machine.shutdown();
  }

  dispose(): void {
    this.machine.dispose();
    for (const stop of this.unsubscribe) stop();
    for (const entry of this.notifications.values()) entry.done();
    this.changed.dispose();
  }
}

async function confirm(question: Question): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(question.message, { modal: true, detail: question.detail }, question.confirm);
  return choice === question.confirm;
}

/** Reads the image through workspace.fs, so remote and virtual workspaces work too, and checks it. */
async function readImage(job: JobRecord): Promise<ImageInput> {
  const uri = vscode.Uri.parse(job.imageUri);
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') {
      throw new LumaError('input', `${job.imageName} is no longer there (moved or deleted?). Choose the image again.`, {
        detail: String(error),
      });
    }
    throw new LumaError('input', `${job.imageName} could not be read. Check that you can open it, then try again.`, {
      detail: String(error),
    });
  }
  return { bytes, fileName: job.imageName, mimeType: checkImage(bytes, job.imageName, readSettings(uri).maxImageBytes) };
}
