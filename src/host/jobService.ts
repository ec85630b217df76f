// Runs generations for VS Code and keeps their list: a queue that runs `maxConcurrentJobs` at a
// time; for each job it reads the image through workspace.fs, gets the key, saves the job in the
// job store the moment it may cost money, shows a cancellable progress notification and the
// status bar item, resumes paid jobs after a restart, and tells listeners (forms, the
// Generations view) about every change. The steps themselves are in jobs/generation.ts.

import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { checkImage } from '../files/imageCheck';
import { GenerationRun, JobUpdate, resumeGeneration, runGeneration } from '../jobs/generation';
import { isResumable, JobRecord, JobState, JobStore } from '../jobs/jobStore';
import { OneMinClient } from '../onemin/client';
import { cancelled, isCancel, leavesChargeOpen, LumaError, redact } from '../onemin/errors';
import type { GenerationOptions } from '../protocol';
import { ApiKeyStore } from './apiKey';
import { readSettings } from './settings';
import { JobStatusBar } from './statusBar';
import { outputFolderFor, videoOutputFor } from './videoOutput';
import { openVideo, revealInExplorer } from './videoActions';

/** What changes within a stage and is not worth storing: when it began, download progress. */
export interface LiveProgress {
  stageStartedAt: number;
  progress?: { received: number; total: number };
  /** What it is doing, for the status bar. */
  text: string;
}

const STAGE_TEXT: Record<JobUpdate['stage'], string> = {
  uploading: 'uploading the image',
  generating: 'generating',
  downloading: 'downloading the video',
  done: 'done',
};

const STOP_WAITING = 'Stop Waiting';
const OPEN_VIDEO = 'Open Video';
const REVEAL = 'Reveal in Explorer';
const SHOW_GENERATIONS = 'Show Generations';

interface QueuedJob {
  job: JobRecord;
  settle: (job: JobRecord) => void;
}

export class JobService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<JobRecord>();
  /** Fires with the job's latest record whenever a job changes or is removed. */
  readonly onDidChange = this.changed.event;
  private readonly running = new Map<string, { abort: AbortController; live: LiveProgress }>();
  private readonly queue: QueuedJob[] = [];
  /** Running jobs that only fetch a paid video: they take no slot in the queue. */
  private readonly fetching = new Set<string>();
  private disposed = false;

  constructor(
    private readonly keys: ApiKeyStore,
    private readonly log: vscode.LogOutputChannel,
    private readonly statusBar: JobStatusBar,
    readonly store: JobStore,
  ) {}

  /** The newest job started for this image, if any. */
  latestFor(imageUri: vscode.Uri): JobRecord | undefined {
    const key = imageUri.toString();
    return this.store.all().find((job) => job.imageUri === key);
  }

  live(jobId: string): LiveProgress | undefined {
    return this.running.get(jobId)?.live;
  }

  private isRunning(jobId: string): boolean {
    return this.running.has(jobId);
  }

  private isQueued(jobId: string): boolean {
    return this.queue.some((entry) => entry.job.id === jobId);
  }

  /** Running or waiting its turn. */
  isBusy(jobId: string): boolean {
    return this.isRunning(jobId) || this.isQueued(jobId);
  }

  /** Queued and running jobs, for the status bar and the view's elapsed times. */
  get activeCount(): number {
    return this.running.size + this.queue.length;
  }

  /**
   * Stops a job. Queued or uploading: nothing is charged. Once the service accepted it, the
   * waiting stops and the job stays fetchable.
   */
  cancel(jobId: string): void {
    const index = this.queue.findIndex((entry) => entry.job.id === jobId);
    if (index >= 0) {
      const [entry] = this.queue.splice(index, 1);
      void this.update(entry.job, { state: 'cancelled', error: 'Cancelled while queued, so nothing was charged.' }).then(() => entry.settle(entry.job));
      this.showStatus();
      return;
    }
    this.running.get(jobId)?.abort.abort();
  }

  /** Queues a generation for `imageUri`; settles with the job's final record. */
  start(imageUri: vscode.Uri, options: GenerationOptions, batchId?: string): Promise<JobRecord> {
    const folder = outputFolderFor(imageUri, readSettings(imageUri).outputFolder);
    const now = Date.now();
    return this.enqueue({
      id: randomUUID(),
      batchId,
      imageUri: imageUri.toString(),
      imageName: imageUri.path.split('/').pop() ?? 'image',
      outputFolder: folder.toString(),
      options,
      state: 'queued',
      createdAt: now,
      updatedAt: now,
    });
  }

  /**
   * Runs a job again: one the service already accepted is fetched (no new charge); one it never
   * accepted is queued afresh with the same image and options.
   */
  async retry(jobId: string): Promise<JobRecord | undefined> {
    const job = this.store.get(jobId);
    if (!job || this.isBusy(jobId)) return job;
    if (job.uuid) return this.fetch(jobId);
    if (job.mayBeCharged) {
      // The request may have reached the service: running it again may pay twice. Ask.
      const again = 'Generate Again';
      const choice = await vscode.window.showWarningMessage(
        `Generate the video of ${job.imageName} again?`,
        { modal: true, detail: 'The last attempt may have reached 1min.ai and been charged. Check your 1min.ai history first: generating again is charged again.' },
        again,
      );
      if (choice !== again || this.isBusy(jobId)) return this.store.get(jobId);
    }
    return this.enqueue({ ...job, state: 'queued', error: undefined, remedy: undefined, videoUri: undefined, mayBeCharged: undefined, createdAt: Date.now() });
  }

  /** Waits for and downloads a job the service already accepted, without asking (or paying) again. */
  async fetch(jobId: string): Promise<JobRecord | undefined> {
    const job = this.store.get(jobId);
    if (!job || !job.uuid || this.running.has(jobId)) return job;
    const uuid = job.uuid;
    return this.execute({ ...job, state: 'generating', error: undefined, remedy: undefined }, async () => undefined, (run) => resumeGeneration(uuid, run));
  }

  /** Remove from the view: a paid video not saved yet is only reachable through this list, so it asks first. */
  async removeWithConfirm(jobId: string): Promise<void> {
    const job = this.store.get(jobId);
    if (!job) return;
    if (job.uuid && job.state !== 'done') {
      const remove = 'Remove';
      const choice = await vscode.window.showWarningMessage(
        `Remove the video of ${job.imageName} from the list?`,
        { modal: true, detail: `1min.ai already accepted it (id ${job.uuid}), so it is paid for. Once removed, it is only in your 1min.ai history.` },
        remove,
      );
      if (choice !== remove) return;
    }
    await this.remove(jobId); // refuses a job that started running meanwhile
  }

  /** Forgets a finished, failed or stopped job (its video, if any, stays where it is). */
  private async remove(jobId: string): Promise<void> {
    // A running job is cancelled first: removing it now could drop a uuid that is about to arrive.
    if (this.isBusy(jobId)) return;
    const job = this.store.get(jobId);
    await this.store.remove(jobId);
    if (job) this.changed.fire(job);
  }

  /**
   * Called once at activation: resumes every paid job that was still running when the window
   * closed. Reads only the job list (already in memory) when there is nothing to resume.
   */
  resumeUnfinished(): void {
    const jobs = this.store.all().filter((job) => !this.isBusy(job.id));
    for (const job of jobs.filter((j) => j.state === 'queued' || j.state === 'uploading')) {
      void this.update(job, { state: 'cancelled', error: 'VS Code closed before this job was sent, so nothing was charged. Retry runs it.' });
    }
    for (const job of jobs.filter((j) => j.state === 'requesting')) {
      void this.update(job, { state: 'failed', mayBeCharged: true, error: `VS Code closed while asking 1min.ai for the video of ${job.imageName}; it may have been made and charged. Check your 1min.ai history before trying again.` });
    }
    const resumable = jobs.filter(isResumable);
    if (resumable.length === 0) return;
    const names = resumable.map((job) => job.imageName).join(', ');
    this.log.info(`Resuming ${resumable.length} unfinished video(s): ${names}.`);
    void vscode.window.showInformationMessage(resumable.length === 1
      ? `Luma: resuming an unfinished video (${names}). It was already paid for.`
      : `Luma: resuming ${resumable.length} unfinished videos (${names}). They were already paid for.`);
    for (const job of resumable) void this.fetch(job.id);
  }

  private enqueue(job: JobRecord): Promise<JobRecord> {
    return new Promise((settle) => {
      this.queue.push({ job, settle });
      void this.update(job, {});
      this.pump();
    });
  }

  /** Starts queued jobs while there is a free slot. */
  private pump(): void {
    const limit = readSettings().maxConcurrentJobs;
    while (!this.disposed && this.queue.length > 0 && this.runningGenerations() < limit) {
      const { job, settle } = this.queue.shift()!;
      void this.generate(job).then(settle);
    }
    this.showStatus();
  }

  /** Running jobs that hold a slot (fetches of paid jobs do not wait for one). */
  private runningGenerations(): number {
    return this.running.size - this.fetching.size;
  }

  private generate(job: JobRecord): Promise<JobRecord> {
    const imageUri = vscode.Uri.parse(job.imageUri);
    const settings = readSettings(imageUri);
    // The image is checked before the key is asked for or anything is sent.
    const readChecked = async () => {
      const bytes = await readImage(imageUri, job.imageName);
      return { bytes, fileName: job.imageName, mimeType: checkImage(bytes, job.imageName, settings.maxImageBytes) };
    };
    job.state = 'uploading';
    return this.execute(job, readChecked, (run, image) =>
      runGeneration(image, job.options, {
        ...run,
        onRequesting: () => this.update(job, { state: 'requesting' }),
        onAccepted: (uuid) => this.update(job, { state: 'generating', uuid }),
      }),
    );
  }

  /**
   * Runs `work` for `job` with the key, client, output, progress notification and status bar,
   * keeping the stored record up to date; never throws: failures end up in the record.
   */
  private async execute<T>(job: JobRecord, before: () => Promise<T>, work: (run: GenerationRun, prepared: T) => Promise<{ videoName: string; uuid: string }>): Promise<JobRecord> {
    const abort = new AbortController();
    const live: LiveProgress = { stageStartedAt: Date.now(), text: job.uuid ? 'fetching' : 'starting' };
    this.running.set(job.id, { abort, live });
    if (job.uuid) this.fetching.add(job.id);
    const folder = vscode.Uri.parse(job.outputFolder);
    let apiKey: string | undefined;
    try {
      await this.update(job, {});
      this.showStatus();
      const settings = readSettings(vscode.Uri.parse(job.imageUri));
      const prepared = await before();
      apiKey = job.uuid ? await this.keys.get() : await this.keys.getOrAsk();
      if (!apiKey) {
        throw new LumaError('auth', job.uuid
          ? 'No 1min.ai API key is set, so the paid video could not be fetched. Set one with "Luma: Set API Key", then press Fetch Video.'
          : 'No 1min.ai API key is set, so nothing was sent. Set one with "Luma: Set API Key" and press Generate again.', { remedy: 'setApiKey' });
      }
      if (abort.signal.aborted) throw cancelled();
      const client = new OneMinClient({ apiBaseUrl: settings.apiBaseUrl, assetBaseUrl: settings.assetBaseUrl, apiKey, log: this.log });
      this.log.info(`${job.uuid ? `Fetching ${job.uuid} for` : 'Generating'} ${job.imageName} -> ${folder.toString(true)}: "${job.options.prompt}", ${job.options.length} s, ${job.options.modelName}.`);
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Luma: ${job.imageName}`, cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => void this.confirmCancel(job, abort));
          let lastStage = '';
          return work({
            client,
            output: videoOutputFor(folder, job.imageName, job.id.slice(0, 8)),
            poll: settings.poll,
            log: this.log,
            signal: abort.signal,
            onUpdate: (update) => {
              live.stageStartedAt = update.stageStartedAt;
              live.progress = update.progress;
              live.text = stageText(update);
              if (update.stage !== lastStage || update.stage === 'downloading') progress.report({ message: live.text });
              const state: JobState | undefined = update.stage === 'downloading' ? 'downloading' : update.stage === 'generating' && job.uuid ? 'generating' : undefined;
              if (update.stage !== lastStage && state) void this.update(job, { state });
              else this.changed.fire(job);
              lastStage = update.stage;
              this.showStatus();
            },
          }, prepared);
        },
      );
      const videoUri = vscode.Uri.joinPath(folder, result.videoName);
      await this.update(job, { state: 'done', uuid: result.uuid, videoUri: videoUri.toString(), error: undefined, remedy: undefined });
    } catch (error) {
      // Shutting down (a reload, a restart): keep the record as it is, so the job resumes.
      if (this.disposed) return job;
      if (isCancel(error) || abort.signal.aborted) {
        this.log.info(`Cancelled ${job.imageName}${job.uuid ? ` (generation ${job.uuid} was already accepted and stays fetchable)` : ''}.`);
        await this.update(job, job.uuid
          ? { state: 'stopped', error: `Stopped waiting. 1min.ai had already accepted this generation (id ${job.uuid}), so it is paid for: press Fetch Video to get it later.` }
          : { state: 'cancelled', error: 'Cancelled before anything was sent for generation, so nothing was charged.' });
      } else {
        const failure = error instanceof LumaError ? error : new LumaError('disk', 'Something unexpected went wrong; the details are in the "Luma Image to Video" output.', { detail: String(error) });
        this.log.error(`Failed ${job.imageName}: ${redact(failure.message, apiKey)}${failure.detail ? ` [${redact(failure.detail, apiKey)}]` : ''}`);
        if (!(error instanceof LumaError) && error instanceof Error && error.stack) this.log.error(redact(error.stack, apiKey));
        // No answer to the generation request (cut off, gateway error, unreadable): it may still
        // have cost credits. A clear refusal (400, 401, 406, 429) did not.
        const mayBeCharged = !job.uuid && job.state === 'requesting' && leavesChargeOpen(failure);
        await this.update(job, { state: 'failed', error: failure.message, remedy: failure.remedy, mayBeCharged });
      }
    } finally {
      this.running.delete(job.id);
      this.fetching.delete(job.id);
      if (!this.disposed) {
        this.changed.fire(job);
        this.announce(job);
        this.pump();
      }
    }
    return job;
  }

  /** A notification per finished video, or for a batch one when its last job ends, however it ended. */
  private announce(job: JobRecord): void {
    const batch = job.batchId ? this.store.all().filter((other) => other.batchId === job.batchId) : [];
    if (batch.length <= 1) {
      if (job.state !== 'done' || !job.videoUri) return; // failures and cancels are shown where they happened
      const videoUri = vscode.Uri.parse(job.videoUri);
      void vscode.window.showInformationMessage(`Luma: ${videoUri.path.split('/').pop()} is ready.`, OPEN_VIDEO, REVEAL).then((choice) => {
        if (choice === OPEN_VIDEO) void openVideo(videoUri);
        if (choice === REVEAL) void revealInExplorer(videoUri);
      });
      return;
    }
    if (batch.some((other) => this.isBusy(other.id))) return;
    const done = batch.filter((other) => other.state === 'done').length;
    const message = done === batch.length ? `Luma: all ${batch.length} videos of the batch are ready.` : `Luma: ${done} of ${batch.length} videos of the batch are ready; see Luma Generations for the others.`;
    void vscode.window.showInformationMessage(message, SHOW_GENERATIONS).then((choice) => {
      if (choice === SHOW_GENERATIONS) void vscode.commands.executeCommand('lumaVideo.showGenerations');
    });
  }

  private showStatus(): void {
    if (this.disposed) return;
    const running = [...this.running.entries()].map(([id, { live }]) => `${this.store.get(id)?.imageName ?? 'video'}: ${live.text}`);
    this.statusBar.show(running, this.queue.length);
  }

  /** Cancel from the view: like the notification's, it asks before it stops waiting for a paid video. */
  async cancelWithConfirm(jobId: string): Promise<void> {
    const running = this.running.get(jobId);
    const job = this.store.get(jobId);
    if (running && job) await this.confirmCancel(job, running.abort);
    else this.cancel(jobId);
  }

  /** Cancel from the notification: once the video is paid for, ask before we stop waiting. */
  private async confirmCancel(job: JobRecord, abort: AbortController): Promise<void> {
    if (job.uuid && job.state === 'generating') {
      const choice = await vscode.window.showWarningMessage(
        `Stop waiting for the video of ${job.imageName}?`,
        { modal: true, detail: '1min.ai has already accepted it, so it is paid for. The job is kept: you can fetch the video later from the form or the Luma Generations view.' },
        STOP_WAITING,
      );
      if (choice !== STOP_WAITING) return;
    }
    abort.abort();
  }

  /** Changes the job in place, saves it (the list changes at once), and tells listeners. */
  private async update(job: JobRecord, patch: Partial<JobRecord>): Promise<void> {
    Object.assign(job, patch, { updatedAt: Date.now() });
    const saved = this.store.save(job);
    // While shutting down nobody listens, but a uuid or a saved video must still reach the store.
    if (this.disposed) return saved;
    const live = this.running.get(job.id)?.live;
    if (live && patch.state) live.stageStartedAt = Date.now();
    this.changed.fire(job);
    await saved;
  }

  dispose(): void {
    // A reload or shutdown: stop the requests, keep the records as they are so they resume.
    this.disposed = true;
    for (const { abort } of this.running.values()) abort.abort();
    this.changed.dispose();
  }
}

function stageText(update: JobUpdate): string {
  if (update.stage === 'downloading' && update.progress && update.progress.total > 0) {
    return `${STAGE_TEXT.downloading} (${Math.floor((100 * update.progress.received) / update.progress.total)}%)`;
  }
  return STAGE_TEXT[update.stage];
}

/** Reads the image through workspace.fs, so remote and virtual workspaces work too. */
async function readImage(uri: vscode.Uri, name: string): Promise<Uint8Array> {
  try {
    return await vscode.workspace.fs.readFile(uri);
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') {
      throw new LumaError('input', `${name} is no longer there (moved or deleted?). Choose the image again.`, { detail: String(error) });
    }
    throw new LumaError('input', `${name} could not be read. Check that you can open it, then try again.`, { detail: String(error) });
  }
}
