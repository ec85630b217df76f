// The form, host side: one webview panel per image ("Luma: cat.png"), the HTML with its CSP,
// the messages from the webview (validated, unknown ones dropped), and the job it starts.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { HostMessage, JobView, parseWebviewMessage, Stage, validateOptions, VIEW_TYPE, WebviewMessage } from '../protocol';
import { isFetchable, JobRecord, JobState } from '../jobs/jobStore';
import { JobService, revealInExplorer } from '../host/jobService';
import { readSettings } from '../host/settings';
import { outputFolderFor } from '../host/videoOutput';

const STAGE_OF: Record<JobState, Stage> = {
  uploading: 'uploading',
  requesting: 'generating',
  generating: 'generating',
  downloading: 'downloading',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
  stopped: 'cancelled',
};

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
  /** The newest job of this image: the one the form shows. */
  private jobId: string | undefined;
  private running: Promise<unknown> | undefined;

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
    services.jobs.onDidChange((job) => this.onJobChanged(job), null, this.disposables);
    this.jobId = services.jobs.latestFor(imageUri)?.id;
  }

  /** The stage the form shows now: the newest job of its image, if any. */
  get jobView(): JobView | undefined {
    const job = this.jobId ? this.services.jobs.store.get(this.jobId) : undefined;
    return job ? this.toView(job) : undefined;
  }

  /** Settles when the job started from this form has ended (at once when none runs). */
  async whenIdle(): Promise<void> {
    await this.running;
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
    const jobs = this.services.jobs;
    const job = this.jobId ? jobs.store.get(this.jobId) : undefined;
    const videoUri = job?.state === 'done' && job.videoUri ? vscode.Uri.parse(job.videoUri) : undefined;
    switch (message.type) {
      case 'ready':
        return this.postInit();
      case 'generate': {
        const checked = validateOptions(message.options);
        if (!checked.ok) {
          this.post({ type: 'invalid', errors: checked.errors });
          return;
        }
        if (job && jobs.isRunning(job.id)) {
          this.services.log.warn(`Generate pressed while ${this.imageName} is still running; ignored.`);
          return;
        }
        return this.track(jobs.start(this.imageUri, checked.options));
      }
      case 'fetch':
        if (job && isFetchable(job) && !jobs.isRunning(job.id)) return this.track(jobs.fetch(job.id));
        return;
      case 'cancel':
        if (job) jobs.cancel(job.id);
        return;
      case 'openVideo':
        if (videoUri) await vscode.commands.executeCommand('vscode.open', videoUri, { preview: false });
        return;
      case 'revealVideo':
        if (videoUri) await revealInExplorer(videoUri);
        return;
      case 'setApiKey':
        await vscode.commands.executeCommand('lumaVideo.setApiKey');
        return;
    }
  }

  private async track(run: Promise<unknown>): Promise<void> {
    this.running = run;
    try {
      await run;
    } finally {
      if (this.running === run) this.running = undefined;
    }
  }

  /** A job of this image changed (started here, resumed, or from anywhere else): show it. */
  private onJobChanged(job: JobRecord): void {
    if (job.imageUri !== this.imageUri.toString()) return;
    this.jobId = job.id;
    this.post({ type: 'job', job: this.toView(job) });
  }

  private toView(job: JobRecord): JobView {
    const live = this.services.jobs.live(job.id);
    const running = this.services.jobs.isRunning(job.id);
    const view: JobView = {
      stage: STAGE_OF[job.state],
      stageStartedAt: live?.stageStartedAt ?? job.updatedAt,
      progress: live?.progress,
      accepted: job.uuid !== undefined,
      fetchable: !running && isFetchable(job) && (job.state === 'failed' || job.state === 'stopped'),
    };
    if (job.state === 'failed') view.error = { message: job.error ?? 'Something went wrong.', remedy: job.remedy };
    if (job.state === 'cancelled' || job.state === 'stopped') view.note = job.error;
    if (job.state === 'done' && job.videoUri) {
      const video = vscode.Uri.parse(job.videoUri);
      view.video = { src: this.panel.webview.asWebviewUri(video).toString(), name: video.path.split('/').pop() ?? 'video.mp4' };
    }
    return view;
  }

  private postInit(): void {
    const settings = readSettings(this.imageUri);
    this.post({
      type: 'init',
      image: { name: this.imageName, src: this.panel.webview.asWebviewUri(this.imageUri).toString(), uri: this.imageUri.toString() },
      defaults: settings.defaults,
      job: this.jobView,
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

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
