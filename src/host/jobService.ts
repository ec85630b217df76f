// The job machine (src/jobs/machine.ts) adapted to VS Code: what it needs from VS Code (reading
// images through workspace.fs, the key, modal questions, the output folder), and what VS Code
// shows of it (the status bar item; through JobNotices, one progress notification per Generate
// and one message when its jobs have ended). The job's life itself is not decided here.
import { l10n } from '../shared/l10n';
import { createHash, randomUUID } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkImage } from '../files/imageCheck';
import type { ImageInput } from '../jobs/generation';
import type { JobRecord } from '../jobs/job';
import { readSentCopy } from '../jobs/imageCopies';
import type { PreparedImage } from '../shared/imagePlan';
import { JobStore } from '../jobs/jobStore';
import { importLegacyJobs } from '../jobs/legacyJobs';
import { JobMachine, JobPorts, NewJob, Question } from '../jobs/machine';
import { isUnfinished, JobSnapshot, stageText } from '../jobs/jobStatus';
import { fetchableOf, type SummaryAction } from '../jobs/jobSummary';
import { OneMinClient } from '../onemin/client';
import { LumaError } from '../util/lumaError';
import type { GenerationOptions } from '../shared/options';
import type { Logger } from '../util/log';
import { ApiKeyStore } from './apiKey';
import { JobNotices, type Notifier } from './notices';
import { imageName } from './imageFiles';
import { readSettings } from './settings';
import { JobStatusBar } from './statusBar';
import { outputFolderFor, videoOutputFor } from './videoOutput';
import { openVideo, revealInExplorer } from './videoActions';

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
  private readonly notices: JobNotices;
  private readonly unsubscribe: (() => void)[] = [];
  /** While a running job has an estimate, the status bar counts it down on its own. */
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly keys: ApiKeyStore,
    private readonly log: Logger,
    private readonly statusBar: JobStatusBar,
    storeFolder: string,
    /** Removes the keys from text that is kept or shown. */
    readonly redact: (text: string) => string,
    private readonly notifier: Notifier,
  ) {
    const store = new JobStore({ dir: storeFolder, log, owner: { hostId: randomUUID(), pid: process.pid, hostname: os.hostname() } });
    this.store = store;
    this.machine = new JobMachine({ store, ports: this.ports(), log, redact, concurrency: () => readSettings().maxConcurrentJobs });
    this.notices = new JobNotices(notifier, {
      snapshot: (id) => this.machine.snapshot(id),
      cancelAll: (ids) => this.machine.cancelAll(ids),
      act: (action, jobs) => void this.act(action, jobs),
    });
    this.unsubscribe.push(this.machine.onDidChange((snapshot) => this.onChange(snapshot)));
    // A window that closed with a generation request out leaves a possible charge: say so once.
    this.unsubscribe.push(this.machine.onChargesLeftOpen((jobs) => this.notices.tell(jobs)));
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
    const count = importLegacyJobs(this.store, legacy, this.redact, this.log);
    if (count > 0) this.log.info(`Moved ${count} job(s) from the earlier job list.`);
    void state.update(LEGACY_KEY, undefined);
  }

  private ports(): JobPorts {
    return {
      readImage: (job) =>
        job.sentCopy
          ? readSentCopy(this.store.copies, job, job.sentCopy, readSettings(vscode.Uri.parse(job.imageUri)).maxImageBytes)
          : readImage(job),
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

  /** Queues a generation per image (one batch when several), with the form's copy of it if any; [] when the person declined. */
  async start(items: { image: vscode.Uri; options: GenerationOptions; prepared?: PreparedImage }[]): Promise<JobRecord[]> {
    const requests: NewJob[] = items.map(({ image, options, prepared }) => ({
      imageUri: image.toString(),
      imageName: imageName(image),
      outputFolder: outputFolderFor(image, readSettings(image).outputFolder).toString(),
      options,
      ...(prepared ? { prepared } : {}),
    }));
    const title = requests.length === 1 ? l10n.t('Luma: {0}', requests[0].imageName) : l10n.t('Luma');
    return this.notices.generate(
      requests.map((request) => request.imageUri),
      title,
      () => this.machine.start(requests, items.length > 1 ? randomUUID() : undefined),
    );
  }

  /** Called once at activation: resumes paid jobs left unfinished, and says so. */
  async resumeUnfinished(): Promise<void> {
    const resumed = await this.machine.recover();
    if (resumed.length === 0) return;
    const names = resumed.map((job) => job.imageName).join(', ');
    void this.notifier.message(
      'info',
      resumed.length === 1
        ? l10n.t('Luma: resuming an unfinished video ({0}). It was already paid for.', names)
        : l10n.t('Luma: resuming {0} unfinished videos ({1}). They were already paid for.', resumed.length, names),
      [],
    );
  }

  private onChange(snapshot: JobSnapshot): void {
    this.changed.fire(snapshot);
    this.notices.changed(snapshot);
    this.showStatus();
  }

  private showStatus(): void {
    const running = this.machine.snapshots().filter((s) => s.here && s.live);
    const estimating = running.some((s) => s.live?.expected && s.job.state === 'generating');
    if (estimating && !this.ticker) this.ticker = setInterval(() => this.showStatus(), 1000);
    if (!estimating && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
    const { queued } = this.machine.counts();
    this.statusBar.show(
      running.map((s) => l10n.t('{0}: {1}', s.job.imageName, stageText(s))),
      queued,
    );
  }

  /** What a button of a job message does. */
  private async act(action: SummaryAction, jobs: JobRecord[]): Promise<void> {
    const video = jobs[0]?.videoUri ? vscode.Uri.parse(jobs[0].videoUri) : undefined;
    if (action === 'openVideo' && video) await openVideo(video);
    else if (action === 'revealVideo' && video) await revealInExplorer(video);
    else if (action === 'setApiKey') await vscode.commands.executeCommand('lumaVideo.setApiKey');
    else if (action === 'showGenerations') await vscode.commands.executeCommand('lumaVideo.showGenerations');
    else if (action === 'fetchVideo') {
      // Each job that is paid for and not fetched, and runs nowhere now; none is paid for again.
      const now = jobs.map((job) => this.machine.get(job.id)).filter((job): job is JobRecord => job !== undefined);
      for (const job of fetchableOf(now)) if (!this.machine.isRunning(job.id)) void this.machine.fetchPaidVideo(job.id);
    }
  }

  /** Lets a generation request that is out get its answer saved, then stops (deactivate). */
  shutdown(): Promise<void> {
    return this.machine.shutdown();
  }

  dispose(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.machine.dispose();
    for (const stop of this.unsubscribe) stop();
    this.notices.dispose();
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
      throw new LumaError('input', l10n.t('{0} is no longer there (moved or deleted?). Choose the image again.', job.imageName), {
        detail: String(error),
      });
    }
    throw new LumaError('input', l10n.t('{0} could not be read. Check that you can open it, then try again.', job.imageName), {
      detail: String(error),
    });
  }
  return { bytes, fileName: job.imageName, mimeType: checkImage(bytes, job.imageName, readSettings(uri).maxImageBytes) };
}
