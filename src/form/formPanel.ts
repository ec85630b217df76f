// The form, host side: one webview panel per image ("Luma: cat.png"), the HTML with its CSP,
// the messages from the webview (validated, unknown ones dropped), and the job it starts.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { HostMessage, JobView, parseWebviewMessage, validateOptions, VIEW_TYPE, WebviewMessage } from '../protocol';
import type { JobUpdate } from '../jobs/generation';
import { JobOutcome, JobService } from '../host/jobService';
import { readSettings } from '../host/settings';
import { outputFolderFor } from '../host/videoOutput';

export interface FormServices {
  extensionUri: vscode.Uri;
  jobs: JobService;
  log: vscode.LogOutputChannel;
}

/** What the webview keeps with setState and the serializer hands back after a reload. */
export interface SavedFormState {
  image?: { uri?: unknown };
}

export class FormPanel implements vscode.Disposable {
  private static readonly panels = new Map<string, FormPanel>();

  private readonly disposables: vscode.Disposable[] = [];
  private job: JobView | undefined;
  private videoUri: vscode.Uri | undefined;
  private abort: AbortController | undefined;
  private running: Promise<JobOutcome> | undefined;

  /** Opens the form for `imageUri`, or brings its open form forward. */
  static createOrShow(services: FormServices, imageUri: vscode.Uri): FormPanel {
    const existing = FormPanel.panels.get(imageUri.toString());
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Active);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, FormPanel.title(imageUri), vscode.ViewColumn.Active, FormPanel.webviewOptions(services.extensionUri, imageUri));
    return new FormPanel(panel, services, imageUri);
  }

  /** Brings back a form VS Code restored after a reload. */
  static revive(panel: vscode.WebviewPanel, services: FormServices, state: SavedFormState | undefined): void {
    let imageUri: vscode.Uri | undefined;
    try {
      const saved = state?.image?.uri;
      imageUri = typeof saved === 'string' && saved ? vscode.Uri.parse(saved, true) : undefined;
    } catch {
      imageUri = undefined;
    }
    if (!imageUri) {
      // Nothing to restore it from: close it rather than leave an empty tab.
      panel.dispose();
      return;
    }
    panel.webview.options = FormPanel.webviewOptions(services.extensionUri, imageUri);
    new FormPanel(panel, services, imageUri);
  }

  static find(imageUri: vscode.Uri): FormPanel | undefined {
    return FormPanel.panels.get(imageUri.toString());
  }

  static all(): FormPanel[] {
    return [...FormPanel.panels.values()];
  }

  private static title(imageUri: vscode.Uri): string {
    return `Luma: ${imageUri.path.split('/').pop()}`;
  }

  /** Scripts on; local files only from the extension's own folders, the image's and the output folder. */
  private static webviewOptions(extensionUri: vscode.Uri, imageUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    const roots = [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(imageUri, '..')];
    const output = outputFolderFor(imageUri, readSettings(imageUri).outputFolder);
    if (!roots.some((root) => root.toString() === output.toString())) roots.push(output);
    return { enableScripts: true, localResourceRoots: roots, retainContextWhenHidden: false, enableFindWidget: false };
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly services: FormServices,
    readonly imageUri: vscode.Uri,
  ) {
    FormPanel.panels.set(imageUri.toString(), this);
    panel.title = FormPanel.title(imageUri);
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'icon.png');
    panel.webview.html = this.html();
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage((raw: unknown) => this.handleMessage(raw), null, this.disposables);
  }

  /** The stage the form shows now, if a job was started from it. */
  get jobView(): JobView | undefined {
    return this.job;
  }

  /** Settles when the job started from this form has ended (at once when none runs). */
  async whenIdle(): Promise<JobOutcome | undefined> {
    return this.running;
  }

  /** Handles one message from the webview. Public so tests can drive the same path. */
  async handleMessage(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.services.log.warn(`Dropped an unknown message from the form of ${this.imageName}.`);
      return;
    }
    await this.dispatch(message);
  }

  private async dispatch(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        return this.postInit();
      case 'generate': {
        const checked = validateOptions(message.options);
        if (!checked.ok) {
          this.post({ type: 'invalid', errors: checked.errors });
          return;
        }
        if (this.running) {
          this.services.log.warn(`Generate pressed while ${this.imageName} is still running; ignored.`);
          return;
        }
        await this.start(checked.options);
        return;
      }
      case 'cancel':
        this.abort?.abort();
        return;
      case 'openVideo':
        if (this.videoUri) await vscode.commands.executeCommand('vscode.open', this.videoUri, { preview: false });
        return;
      case 'revealVideo':
        if (this.videoUri) await revealInExplorer(this.videoUri);
        return;
      case 'setApiKey':
        await vscode.commands.executeCommand('lumaVideo.setApiKey');
        return;
    }
  }

  private async start(options: Parameters<JobService['run']>[1]): Promise<void> {
    const abort = new AbortController();
    this.abort = abort;
    this.videoUri = undefined;
    this.show({ stage: 'uploading', stageStartedAt: Date.now() });
    this.running = this.services.jobs.run(this.imageUri, options, (update) => this.showUpdate(update), abort);
    const outcome = await this.running;
    this.running = undefined;
    this.abort = undefined;
    if (outcome.kind === 'done') {
      this.videoUri = outcome.videoUri;
      const name = outcome.videoUri.path.split('/').pop() ?? 'video.mp4';
      this.show({ stage: 'done', stageStartedAt: Date.now(), video: { src: this.panel.webview.asWebviewUri(outcome.videoUri).toString(), name } });
      void vscode.window.showInformationMessage(`Luma: ${name} is ready.`, 'Open Video', 'Reveal in Explorer').then((choice) => {
        if (choice === 'Open Video') void vscode.commands.executeCommand('vscode.open', outcome.videoUri);
        if (choice === 'Reveal in Explorer') void revealInExplorer(outcome.videoUri);
      });
    } else if (outcome.kind === 'cancelled') {
      this.show({
        stage: 'cancelled',
        stageStartedAt: Date.now(),
        note: outcome.uuid ? `Stopped waiting. 1min.ai had already accepted this generation (id ${outcome.uuid}), so it is paid for and will appear in your 1min.ai history.` : 'Nothing was sent for generation, so nothing was charged.',
      });
    } else {
      this.show({ stage: 'failed', stageStartedAt: Date.now(), error: { message: outcome.error.message, remedy: outcome.error.remedy } });
    }
  }

  private showUpdate(update: JobUpdate): void {
    if (update.stage === 'done') return; // the outcome carries the video
    this.show({ stage: update.stage, stageStartedAt: update.stageStartedAt, progress: update.progress });
  }

  private show(job: JobView): void {
    this.job = job;
    this.post({ type: 'job', job });
  }

  private postInit(): void {
    const settings = readSettings(this.imageUri);
    this.post({
      type: 'init',
      image: { name: this.imageName, src: this.panel.webview.asWebviewUri(this.imageUri).toString(), uri: this.imageUri.toString() },
      defaults: settings.defaults,
      job: this.job,
    });
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private get imageName(): string {
    return this.imageUri.path.split('/').pop() ?? 'image';
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = randomBytes(18).toString('base64');
    const asset = (...parts: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.services.extensionUri, ...parts)).toString();
    const csp = [
      "default-src 'none'",
      `img-src ${webview.cspSource} data:`,
      `media-src ${webview.cspSource}`,
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${asset('media', 'form.css')}" rel="stylesheet">
<title>${escapeHtml(FormPanel.title(this.imageUri))}</title>
</head>
<body>
<main id="app"></main>
<script nonce="${nonce}" src="${asset('dist', 'webview.js')}"></script>
</body>
</html>`;
  }

  dispose(): void {
    FormPanel.panels.delete(this.imageUri.toString());
    // Closing the form does not stop a running job: it goes on in the notification.
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

export async function revealInExplorer(uri: vscode.Uri): Promise<void> {
  if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
  else await vscode.commands.executeCommand('revealFileInOS', uri);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
