// Wires the parts together. activate() only builds the parts, registers the commands from their
// table (src/commands), reads the job list and starts one read of the stored key, without waiting
// for it (whether a key is stored is a context key); with no paid job pending it does nothing else
// (no network, no disk).
import * as vscode from 'vscode';
import { commandTable, registerCommands } from './commands/commandTable';
import { FormDrafts } from './form/formDrafts';
import { FormPanel, FormServices, SavedFormState } from './form/formPanel';
import { watchForOrphanedForms } from './form/orphanForms';
import { recentPrompts } from './form/recentPrompts';
import { ApiKeyStore } from './host/apiKey';
import { jobStoreFolder, JobService } from './host/jobService';
import type { Notifier } from './host/notices';
import { setUpLocalization } from './host/l10n';
import { type Notice, recording, vscodeNotifier } from './host/notifier';
import { JobStatusBar } from './host/statusBar';
import type { JobRecord } from './jobs/job';
import { VIEW_TYPE } from './shared/messages';
import { redactingLogger, redactSecrets } from './util/redact';
import { GenerationsProvider, VIEW_ID } from './views/generationsView';

/** What the extension exports: enough for tests and other extensions to drive it, never the key. */
export interface LumaVideoApi {
  formFor(...images: vscode.Uri[]): FormPanel | undefined;
  forms(): FormPanel[];
  hasApiKey(): Promise<boolean>;
  /** What the context key lumaVideo.hasApiKey was last set to (undefined before the first read). */
  hasApiKeyContext(): boolean | undefined;
  /** The job list, newest first (no key in it). */
  jobs(): JobRecord[];
  /** The workspace's recent prompts, newest first, as the form offers them. */
  recentPrompts(): string[];
  /** The Generations view's data, as the view shows it. */
  generations: GenerationsProvider;
  /**
   * Every notification and status bar message the extension showed, in order: kept only when the
   * extension runs under test or development (empty in a packaged one, which shows the same).
   */
  notices: readonly Notice[];
  /** Where the "Luma Image to Video" log is written. */
  logUri: vscode.Uri;
  activationMs: number;
}

/**
 * What deactivate() stops itself, after the jobs' shutdown: VS Code disposes the subscriptions
 * right after calling deactivate(), without waiting, and the jobs (and the log they write to)
 * must outlive the few seconds a generation answer may still take.
 */
let lastingParts: { jobService: JobService; log: vscode.LogOutputChannel; statusBar: JobStatusBar } | undefined;

export function activate(context: vscode.ExtensionContext): LumaVideoApi {
  const started = performance.now();
  FormPanel.open.shuttingDown = false;
  setUpLocalization();
  const log = vscode.window.createOutputChannel('Luma Image to Video', { log: true });
  const keys = new ApiKeyStore(context.secrets);
  const redactKeys = (text: string) => redactSecrets(text, keys.known);
  const statusBar = new JobStatusBar();
  const notices: Notice[] = [];
  const notifier: Notifier =
    context.extensionMode === vscode.ExtensionMode.Production ? vscodeNotifier : recording(vscodeNotifier, notices);
  const jobService = new JobService(
    keys,
    redactingLogger(log, keys.known),
    statusBar,
    jobStoreFolder(context.globalStorageUri),
    redactKeys,
    notifier,
  );
  lastingParts = { jobService, log, statusBar };
  const services: FormServices = {
    extensionUri: context.extensionUri,
    jobService,
    log,
    workspaceState: context.workspaceState,
    drafts: new FormDrafts(context.workspaceState),
    secrets: keys.known,
  };
  const generations = new GenerationsProvider(jobService);

  context.subscriptions.push(
    generations,
    vscode.window.createTreeView(VIEW_ID, { treeDataProvider: generations, showCollapseAll: false }),
    ...registerCommands(
      commandTable({
        services,
        keys,
        notifier,
        extensionMode: context.extensionMode,
        sampleFolder: vscode.Uri.joinPath(context.globalStorageUri, 'sample'),
      }),
    ),
    // One secret read, not waited for: the welcome content and the walkthrough follow the stored key.
    keys.trackContext(),
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
  if (jobService.hasUnfinished() || jobService.hasLegacy(context.workspaceState)) {
    // A key that cannot be read (no keychain, say) must not stop paid jobs from resuming.
    void keys
      .get()
      .catch(() => undefined)
      .then(() => {
        jobService.importLegacy(context.workspaceState);
        return jobService.resumeUnfinished();
      })
      .catch((error) => log.error(`Resuming unfinished jobs failed: ${redactKeys(String(error))}`));
  }
  const activationMs = performance.now() - started;
  log.info(`Activated in ${activationMs.toFixed(1)} ms.`);
  return {
    formFor: (...images) => FormPanel.open.find(images),
    forms: () => FormPanel.open.all(),
    hasApiKey: () => keys.has(),
    hasApiKeyContext: () => keys.context,
    jobs: () => jobService.machine.snapshots().map((snapshot) => snapshot.job),
    recentPrompts: () => recentPrompts(context.workspaceState),
    generations,
    notices,
    logUri: context.logUri,
    activationMs,
  };
}

/** A reload or shutdown: a generation request that is out gets its answer saved first. */
export async function deactivate(): Promise<void> {
  FormPanel.open.shuttingDown = true;
  const parts = lastingParts;
  lastingParts = undefined;
  if (!parts) return;
  try {
    await parts.jobService.shutdown();
  } finally {
    parts.jobService.dispose();
    parts.statusBar.dispose();
    parts.log.dispose();
  }
}
