// Wires the parts together. activate() only registers: no network, no disk beyond what VS Code
// already loaded.
import * as vscode from 'vscode';
import { imagesFromInvocation, isImageUri, pickImage } from './commands/pickImages';
import { FormPanel, FormServices, SavedFormState } from './form/formPanel';
import { ApiKeyStore } from './host/apiKey';
import { JobService } from './host/jobService';
import { JobRecord, JobStore } from './jobs/jobStore';
import { JobStatusBar } from './host/statusBar';
import { VIEW_TYPE } from './protocol';

/** At most this many forms open from one multi-selection; more is almost surely a slip. */
const MAX_FORMS_AT_ONCE = 10;

/** What the extension exports: enough for tests and other extensions to drive it, never the key. */
export interface LumaVideoApi {
  formFor(imageUri: vscode.Uri): FormPanel | undefined;
  forms(): FormPanel[];
  hasApiKey(): Promise<boolean>;
  /** The job list, newest first (no key in it). */
  jobs(): JobRecord[];
  /** Resumes paid jobs left unfinished, as activation does. */
  resumeUnfinished(): void;
  /** Where the "Luma Image to Video" log is written. */
  logUri: vscode.Uri;
  activationMs: number;
}

export function activate(context: vscode.ExtensionContext): LumaVideoApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Luma Image to Video', { log: true });
  const keys = new ApiKeyStore(context.secrets);
  const statusBar = new JobStatusBar();
  const jobs = new JobService(keys, log, statusBar, new JobStore(context.workspaceState));
  const services: FormServices = { extensionUri: context.extensionUri, jobs, log };

  context.subscriptions.push(
    log,
    statusBar,
    jobs,
    vscode.commands.registerCommand('lumaVideo.generate', async (first?: unknown, selection?: unknown) => {
      let images = imagesFromInvocation(first, selection);
      if (images.length === 0) {
        if (first instanceof vscode.Uri && !isImageUri(first)) {
          void vscode.window.showWarningMessage(`Luma: ${first.path.split('/').pop()} is not a PNG, JPEG or WebP image. Choose one of those.`);
          return undefined;
        }
        const picked = await pickImage();
        if (!picked) return undefined;
        images = [picked];
      }
      if (images.length > MAX_FORMS_AT_ONCE) {
        void vscode.window.showWarningMessage(`Luma: opening forms for the first ${MAX_FORMS_AT_ONCE} of the ${images.length} selected images.`);
        images = images.slice(0, MAX_FORMS_AT_ONCE);
      }
      const panels = images.map((uri) => FormPanel.createOrShow(services, uri));
      return panels[panels.length - 1];
    }),
    vscode.commands.registerCommand('lumaVideo.setApiKey', async (key?: unknown) => {
      // A string argument sets the key without asking (for scripts and tests); it is never echoed.
      if (typeof key === 'string' && key.trim()) await keys.set(key);
      else if (!(await keys.ask())) return;
      log.info('API key saved to secret storage.');
      void vscode.window.showInformationMessage('Luma: API key saved.');
    }),
    vscode.commands.registerCommand('lumaVideo.clearApiKey', async () => {
      await keys.clear();
      log.info('API key removed from secret storage.');
      void vscode.window.showInformationMessage('Luma: API key cleared.');
    }),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: SavedFormState | undefined) {
        FormPanel.revive(panel, services, state);
      },
    }),
  );

  // Paid jobs left unfinished by a reload, crash or restart go on by themselves.
  jobs.resumeUnfinished();
  const activationMs = performance.now() - started;
  log.info(`Activated in ${activationMs.toFixed(1)} ms.`);
  return {
    formFor: (uri) => FormPanel.find(uri),
    forms: () => FormPanel.all(),
    hasApiKey: () => keys.has(),
    jobs: () => jobs.store.all(),
    resumeUnfinished: () => jobs.resumeUnfinished(),
    logUri: context.logUri,
    activationMs,
  };
}

export function deactivate(): void {}
