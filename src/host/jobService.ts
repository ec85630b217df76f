// Runs generations for VS Code and keeps their list: reads the image through workspace.fs, gets
// the key, saves each job in the job store the moment it may cost money, shows a cancellable
// progress notification and the status bar item, resumes paid jobs after a restart, and tells
// listeners (the forms) about every change. The steps themselves are in jobs/generation.ts.

import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { checkImage } from '../files/imageCheck';
import { GenerationRun, JobUpdate, resumeGeneration, runGeneration } from '../jobs/generation';
import { isResumable, JobRecord, JobState, JobStore } from '../jobs/jobStore';
import { OneMinClient } from '../onemin/client';
import { cancelled, isCancel, LumaError, redact } from '../onemin/errors';
import type { GenerationOptions } from '../protocol';
import { ApiKeyStore } from './apiKey';
import { readSettings } from './settings';
import { JobStatusBar } from './statusBar';
import { outputFolderFor, videoOutputFor } from './videoOutput';

/** What changes within a stage and is not worth storing: when it began, download progress. */
export interface LiveProgress {
  stageStartedAt: number;
  progress?: { received: number; total: number };
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

export class JobService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<JobRecord>();
  /** Fires with the job's latest record whenever a job changes. */
  readonly onDidChange = this.changed.event;
  private readonly running = new Map<string, { abort: AbortController; live: LiveProgress }>();
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

  isRunning(jobId: string): boolean {
    return this.running.has(jobId);
  }

  /** Stops a running job: before acceptance nothing is charged; after, the job stays fetchable. */
  cancel(jobId: string): void {
    this.running.get(jobId)?.abort.abort();
  }

  /** Generates a video for `imageUri`; settles with the job's final record. */
  async start(imageUri: vscode.Uri, options: GenerationOptions): Promise<JobRecord> {
    const settings = readSettings(imageUri);
    const folder = outputFolderFor(imageUri, settings.outputFolder);
    const imageName = imageUri.path.split('/').pop() ?? 'image';
    const job: JobRecord = {
      id: randomUUID(),
      imageUri: imageUri.toString(),
      imageName,
      outputFolder: folder.toString(),
      options,
      state: 'uploading',
      createdAt: Date.now(),
      updatedAt: Date.now(),
    };
    // The image is checked before the key is asked for or anything is sent.
    const readChecked = async () => {
      const bytes = await readImage(imageUri, imageName);
      return { bytes, fileName: imageName, mimeType: checkImage(bytes, imageName, settings.maxImageBytes) };
    };
    return this.execute(job, readChecked, (run, image) =>
      runGeneration(image, options, {
        ...run,
        onRequesting: () => this.update(job, { state: 'requesting' }),
        onAccepted: (uuid) => this.update(job, { state: 'generating', uuid }),
      }),
    );
  }

  /** Waits for and downloads a job the service already accepted, without asking (or paying) again. */
  async fetch(jobId: string): Promise<JobRecord | undefined> {
    const job = this.store.get(jobId);
    if (!job || !job.uuid || this.running.has(jobId)) return job;
    const uuid = job.uuid;
    return this.execute({ ...job, state: 'generating', error: undefined, remedy: undefined }, async () => undefined, (run) => resumeGeneration(uuid, run));
  }

  /**
   * Called once at activation: resumes every paid job that was still running when the window
   * closed. Reads only the job list (already in memory) when there is nothing to resume.
   */
  resumeUnfinished(): void {
    const jobs = this.store.all();
    for (const job of jobs.filter((j) => j.state === 'uploading')) {
      void this.update(job, { state: 'cancelled', error: 'Interrupted while uploading, before anything was charged.' });
    }
    for (const job of jobs.filter((j) => j.state === 'requesting')) {
      void this.update(job, { state: 'failed', error: `VS Code closed while asking 1min.ai for the video of ${job.imageName}; it may have been made and charged. Check your 1min.ai history before trying again.` });
    }
    const resumable = jobs.filter(isResumable);
    if (resumable.length === 0) return;
    const names = resumable.map((job) => job.imageName).join(', ');
    this.log.info(`Resuming ${resumable.length} unfinished video(s): ${names}.`);
    void vscode.window.showInformationMessage(`Luma: resuming ${resumable.length === 1 ? 'an unfinished video' : `${resumable.length} unfinished videos`} (${names}). They were already paid for.`);
    for (const job of resumable) void this.fetch(job.id);
  }

  /**
   * Runs `work` for `job` with the key, client, output, progress notification and status bar,
   * keeping the stored record up to date; never throws: failures end up in the record.
   */
  private async execute<T>(job: JobRecord, before: () => Promise<T>, work: (run: GenerationRun, prepared: T) => Promise<{ videoName: string; uuid: string }>): Promise<JobRecord> {
    const abort = new AbortController();
    const live: LiveProgress = { stageStartedAt: Date.now() };
    this.running.set(job.id, { abort, live });
    await this.update(job, {});
    const folder = vscode.Uri.parse(job.outputFolder);
    let apiKey: string | undefined;
    const status = this.statusBar.begin(`${job.imageName}: starting`);
    try {
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
            output: videoOutputFor(folder, job.imageName),
            log: this.log,
            signal: abort.signal,
            onUpdate: (update) => {
              live.stageStartedAt = update.stageStartedAt;
              live.progress = update.progress;
              const text = stageText(update);
              if (update.stage !== lastStage || update.stage === 'downloading') progress.report({ message: text });
              status.update(`${job.imageName}: ${text}`);
              const state: JobState | undefined = update.stage === 'downloading' ? 'downloading' : update.stage === 'generating' && job.uuid ? 'generating' : undefined;
              if (update.stage !== lastStage && state) void this.update(job, { state });
              else this.changed.fire(job);
              lastStage = update.stage;
            },
          }, prepared);
        },
      );
      const videoUri = vscode.Uri.joinPath(folder, result.videoName);
      await this.update(job, { state: 'done', uuid: result.uuid, videoUri: videoUri.toString(), error: undefined, remedy: undefined });
      void vscode.window.showInformationMessage(`Luma: ${result.videoName} is ready.`, OPEN_VIDEO, REVEAL).then((choice) => {
        if (choice === OPEN_VIDEO) void vscode.commands.executeCommand('vscode.open', videoUri);
        if (choice === REVEAL) void revealInExplorer(videoUri);
      });
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
        await this.update(job, { state: 'failed', error: failure.message, remedy: failure.remedy });
      }
    } finally {
      status.end();
      this.running.delete(job.id);
      this.changed.fire(job);
    }
    return job;
  }

  /** Cancel from the notification: once the video is paid for, ask before we stop waiting. */
  private async confirmCancel(job: JobRecord, abort: AbortController): Promise<void> {
    if (job.uuid && job.state === 'generating') {
      const choice = await vscode.window.showWarningMessage(
        `Stop waiting for the video of ${job.imageName}?`,
        { modal: true, detail: '1min.ai has already accepted it, so it is paid for. The job is kept: you can fetch the video later from the form.' },
        STOP_WAITING,
      );
      if (choice !== STOP_WAITING) return;
    }
    abort.abort();
  }

  /** Changes the job in place, saves it, and tells listeners. */
  private async update(job: JobRecord, patch: Partial<JobRecord>): Promise<void> {
    if (this.disposed) return;
    Object.assign(job, patch, { updatedAt: Date.now() });
    if (this.running.has(job.id) && patch.state) {
      const live = this.running.get(job.id)?.live;
      if (live) live.stageStartedAt = Date.now();
    }
    this.changed.fire(job);
    await this.store.save(job);
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

export async function revealInExplorer(uri: vscode.Uri): Promise<void> {
  if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
  else await vscode.commands.executeCommand('revealFileInOS', uri);
}
