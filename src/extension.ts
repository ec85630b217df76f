// Wires the parts together. activate() only registers and reads the job list; with no paid job
// pending it does nothing else (no network, no disk).
import * as vscode from 'vscode';
import { imagesFromInvocation, isImageUri, pickImage } from './commands/pickImages';
import { FormDrafts } from './form/formDrafts';
import { FormPanel, FormServices, recentPrompts, SavedFormState } from './form/formPanel';
import { watchForOrphanedForms } from './form/orphanForms';
import { ApiKeyStore } from './host/apiKey';
import { jobStoreFolder, JobService } from './host/jobService';
import { JobStatusBar } from './host/statusBar';
import { copyMarkdownLink, openVideo, revealInExplorer, saveVideoAs } from './host/videoActions';
import type { JobRecord } from './jobs/job';
import { LumaError } from './util/lumaError';
import { VIEW_TYPE } from './shared/messages';
import { redactingLogger, redactSecrets } from './util/redact';
import { GenerationsProvider, VIEW_ID } from './views/generationsView';

/** One form takes at most this many images; more is almost surely a slip. */
const MAX_BATCH = 100;

/** What the extension exports: enough for tests and other extensions to drive it, never the key. */
export interface LumaVideoApi {
  formFor(...images: vscode.Uri[]): FormPanel | undefined;
  forms(): FormPanel[];
  hasApiKey(): Promise<boolean>;
  /** The job list, newest first (no key in it). */
  jobs(): JobRecord[];
  /** The workspace's recent prompts, newest first, as the form offers them. */
  recentPrompts(): string[];
  /** The Generations view's data, as the view shows it. */
  generations: GenerationsProvider;
  /** Where the "Luma Image to Video" log is written. */
  logUri: vscode.Uri;
  activationMs: number;
}

/**
 * What deactivate() stops itself, after the jobs' shutdown: VS Code disposes the subscriptions
 * right after calling deactivate(), without waiting, and the jobs (and the log they write to)
 * must outlive the few seconds a generation answer may still take.
 */
let lastingParts: { jobs: JobService; log: vscode.LogOutputChannel; statusBar: JobStatusBar } | undefined;

export function activate(context: vscode.ExtensionContext): LumaVideoApi {
  const started = performance.now();
  FormPanel.shuttingDown = false;
  const log = vscode.window.createOutputChannel('Luma Image to Video', { log: true });
  const keys = new ApiKeyStore(context.secrets);
  const redactKeys = (text: string) => redactSecrets(text, keys.known);
  const statusBar = new JobStatusBar();
  const jobs = new JobService(keys, redactingLogger(log, keys.known), statusBar, jobStoreFolder(context.globalStorageUri), redactKeys);
  lastingParts = { jobs, log, statusBar };
  const services: FormServices = {
    extensionUri: context.extensionUri,
    jobs,
    log,
    workspaceState: context.workspaceState,
    drafts: new FormDrafts(context.workspaceState),
    secrets: keys.known,
  };
  const generations = new GenerationsProvider(jobs);

  /** Commands from the view get the job; from elsewhere (tests, keybindings) its id. */
  const jobOf = (arg: unknown): JobRecord | undefined => {
    const id =
      typeof arg === 'string'
        ? arg
        : typeof arg === 'object' && arg !== null && typeof (arg as JobRecord).id === 'string'
          ? (arg as JobRecord).id
          : undefined;
    return id ? jobs.machine.get(id) : undefined;
  };
  const videoOf = (arg: unknown): vscode.Uri | undefined => {
    const job = jobOf(arg);
    return job?.state === 'done' && job.videoUri ? vscode.Uri.parse(job.videoUri) : undefined;
  };
  const onVideo = (action: (video: vscode.Uri) => Promise<unknown>) => async (arg: unknown) => {
    const video = videoOf(arg);
    if (video) await action(video);
  };

  context.subscriptions.push(
    generations,
    vscode.window.createTreeView(VIEW_ID, { treeDataProvider: generations, showCollapseAll: false }),
    vscode.commands.registerCommand('lumaVideo.generate', async (first?: unknown, selection?: unknown) => {
      let images = imagesFromInvocation(first, selection);
      if (images.length === 0) {
        if (first instanceof vscode.Uri && !isImageUri(first)) {
          void vscode.window.showWarningMessage(
            `Luma: ${first.path.split('/').pop()} is not a PNG, JPEG or WebP image. Choose one of those.`,
          );
          return undefined;
        }
        const picked = await pickImage();
        if (!picked) return undefined;
        images = [picked];
      }
      if (images.length > MAX_BATCH) {
        void vscode.window.showWarningMessage(
          `Luma: one form takes up to ${MAX_BATCH} images; it opened with the first ${MAX_BATCH} of the ${images.length} selected.`,
        );
        images = images.slice(0, MAX_BATCH);
      }
      return FormPanel.createOrShow(services, images);
    }),
    vscode.commands.registerCommand('lumaVideo.setApiKey', async (key?: unknown) => {
      // Tests may pass the key as an argument; in normal use only the masked input box sets it,
      // so no other extension or command link can swap it silently.
      if (typeof key === 'string' && key.trim() && context.extensionMode !== vscode.ExtensionMode.Production) await keys.set(key);
      else if (!(await keys.ask())) return;
      log.info('API key saved to secret storage.');
      void vscode.window.showInformationMessage('Luma: API key saved.');
    }),
    vscode.commands.registerCommand('lumaVideo.clearApiKey', async () => {
      await keys.clear();
      log.info('API key removed from secret storage.');
      void vscode.window.showInformationMessage('Luma: API key cleared.');
    }),
    vscode.commands.registerCommand('lumaVideo.showGenerations', () => vscode.commands.executeCommand(`${VIEW_ID}.focus`)),
    vscode.commands.registerCommand('lumaVideo.job.openVideo', onVideo(openVideo)),
    vscode.commands.registerCommand('lumaVideo.job.revealVideo', onVideo(revealInExplorer)),
    vscode.commands.registerCommand('lumaVideo.job.copyMarkdownLink', onVideo(copyMarkdownLink)),
    vscode.commands.registerCommand('lumaVideo.job.saveVideoAs', onVideo(saveVideoAs)),
    vscode.commands.registerCommand('lumaVideo.job.openImage', async (arg: unknown) => {
      const job = jobOf(arg);
      if (job) await vscode.commands.executeCommand('vscode.open', vscode.Uri.parse(job.imageUri));
    }),
    vscode.commands.registerCommand('lumaVideo.job.copyPrompt', async (arg: unknown) => {
      const job = jobOf(arg);
      if (job) await vscode.env.clipboard.writeText(job.options.prompt);
    }),
    vscode.commands.registerCommand('lumaVideo.job.showForm', (arg: unknown) => {
      const job = jobOf(arg);
      return job ? FormPanel.createOrShow(services, [vscode.Uri.parse(job.imageUri)]) : undefined;
    }),
    vscode.commands.registerCommand('lumaVideo.job.generateAgain', (arg: unknown) => {
      const job = jobOf(arg);
      return job ? FormPanel.createOrShow(services, [vscode.Uri.parse(job.imageUri)], { prefill: job.options }) : undefined;
    }),
    vscode.commands.registerCommand('lumaVideo.job.retry', async (arg: unknown) => {
      const job = jobOf(arg);
      if (!job) return undefined;
      try {
        return await jobs.machine.retry(job.id);
      } catch (error) {
        // Refused (the image is busy, or the job list cannot be written): say why.
        if (!(error instanceof LumaError)) throw error;
        void vscode.window.showWarningMessage(`Luma: ${error.message}`);
        return undefined;
      }
    }),
    vscode.commands.registerCommand('lumaVideo.job.cancel', async (arg: unknown) => {
      const job = jobOf(arg);
      // Asks before it stops waiting for a paid video.
      if (job) await jobs.machine.cancel(job.id);
    }),
    vscode.commands.registerCommand('lumaVideo.job.remove', async (arg: unknown) => {
      const job = jobOf(arg);
      // Asks before it forgets a paid video not saved yet.
      if (job) await jobs.machine.remove(job.id);
    }),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: SavedFormState | undefined) {
        FormPanel.revive(panel, services, state);
      },
    }),
    watchForOrphanedForms(services),
  );

  // With nothing unfinished and no list of an earlier version, activation stops here. Otherwise
  // the stored key is read first, so that redaction knows it before any stored text is moved or
  // logged; then paid jobs left unfinished by a reload, crash or restart go on by themselves.
  if (jobs.hasUnfinished() || jobs.hasLegacy(context.workspaceState)) {
    // A key that cannot be read (no keychain, say) must not stop paid jobs from resuming.
    void keys
      .get()
      .catch(() => undefined)
      .then(() => {
        jobs.importLegacy(context.workspaceState);
        return jobs.resumeUnfinished();
      })
      .catch((error) => log.error(`Resuming unfinished jobs failed: ${redactKeys(String(error))}`));
  }
  const activationMs = performance.now() - started;
  log.info(`Activated in ${activationMs.toFixed(1)} ms.`);
  return {
    formFor: (...images) => FormPanel.find(...images),
    forms: () => FormPanel.all(),
    hasApiKey: () => keys.has(),
    jobs: () => jobs.machine.snapshots().map((snapshot) => snapshot.job),
    recentPrompts: () => recentPrompts(context.workspaceState),
    generations,
    logUri: context.logUri,
    activationMs,
  };
}

/** A reload or shutdown: a generation request that is out gets its answer saved first. */
export async function deactivate(): Promise<void> {
  FormPanel.shuttingDown = true;
  const parts = lastingParts;
  lastingParts = undefined;
  if (!parts) return;
  try {
    await parts.jobs.shutdown();
  } finally {
    parts.jobs.dispose();
    parts.statusBar.dispose();
    parts.log.dispose();
  }
}
