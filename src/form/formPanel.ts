// The form, host side: one webview panel per image or per batch of images ("Luma: cat.png",
// "Luma: 3 images"), the HTML with its CSP, the messages from the webview (validated, unknown
// ones dropped), and the jobs it queues. What is typed is kept as a draft (formDrafts.ts) so
// that a form left behind by a dead extension host can be rebuilt (orphanForms.ts).

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { FormDraft, HostMessage, ImageAction, JobView, parseWebviewMessage, VIEW_TYPE, WebviewMessage } from '../shared/messages';
import { GenerationOptions, MAX_RECENT_PROMPTS, validateBatch } from '../shared/options';
import { isImageUri } from '../commands/pickImages';
import { isFetchable, JobRecord } from '../jobs/job';
import { isRunning, JobSnapshot, toJobView } from '../jobs/jobStatus';
import { JobService } from '../host/jobService';
import { readSettings } from '../host/settings';
import { copyMarkdownLink, openVideo, revealInExplorer, saveVideoAs } from '../host/videoActions';
import { redactDeep } from '../util/redact';
import { LumaError } from '../util/lumaError';
import { FormDrafts } from './formDrafts';

const RECENT_PROMPTS_KEY = 'lumaVideo.recentPrompts';

export interface FormServices {
  extensionUri: vscode.Uri;
  jobs: JobService;
  log: vscode.LogOutputChannel;
  /** Workspace storage, for the recent prompts. */
  workspaceState: vscode.Memento;
  drafts: FormDrafts;
  /** The keys seen this session: nothing posted to the webview may hold one, in any form. */
  secrets: Iterable<string>;
}

/** What the webview keeps with setState and the serializer hands back after a reload. */
export interface SavedFormState {
  images?: { uri?: unknown }[];
}

export interface FormOpening {
  /** Options to start from instead of the settings (Generate Again). */
  prefill?: GenerationOptions;
  /** What was typed in a form this one replaces. */
  draft?: FormDraft;
  viewColumn?: vscode.ViewColumn;
}

export class FormPanel implements vscode.Disposable {
  private static readonly panels = new Map<string, FormPanel>();
  /** Set while the extension host stops: panels closing then keep their drafts. */
  static shuttingDown = false;

  private readonly disposables: vscode.Disposable[] = [];
  private readonly imageKeys: string[];
  readonly key: string;
  private readonly opening: FormOpening;
  private running: Promise<unknown> | undefined;
  /** A Generate being handled (the "generate again?" question may be open): a second one waits its turn. */
  private generating = false;
  private readonly openedAt = performance.now();
  private readonly ready: Promise<number>;
  private markReady: (ms: number) => void = () => undefined;

  /** Opens the form for these images, or brings their open form forward. */
  static createOrShow(services: FormServices, images: vscode.Uri[], opening: FormOpening = {}): FormPanel {
    const key = FormPanel.keyOf(images);
    const existing = FormPanel.panels.get(key);
    if (existing && !opening.prefill && !opening.draft) {
      existing.panel.reveal(vscode.ViewColumn.Active);
      return existing;
    }
    // Generate Again starts from the job's prompt: a fresh form, not one with other typed text.
    existing?.panel.dispose();
    const panel = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      FormPanel.title(images),
      opening.viewColumn ?? vscode.ViewColumn.Active,
      FormPanel.webviewOptions(services, images),
    );
    return new FormPanel(panel, services, images, opening);
  }

  /** Brings back a form VS Code restored after a reload. */
  static revive(panel: vscode.WebviewPanel, services: FormServices, state: SavedFormState | undefined): void {
    // The saved state comes from the webview: only images on a file system VS Code knows.
    const images: vscode.Uri[] = [];
    for (const saved of Array.isArray(state?.images) ? state.images : []) {
      try {
        const uri = typeof saved?.uri === 'string' && saved.uri ? vscode.Uri.parse(saved.uri, true) : undefined;
        if (uri && isImageUri(uri) && vscode.workspace.fs.isWritableFileSystem(uri.scheme) !== undefined) images.push(uri);
      } catch {
        // an unreadable entry: leave it out
      }
    }
    if (images.length === 0) {
      // Nothing to restore it from: close it rather than leave an empty tab.
      panel.dispose();
      return;
    }
    panel.webview.options = FormPanel.webviewOptions(services, images);
    new FormPanel(panel, services, images);
  }

  /** The form showing exactly these images (one image: its own form). */
  static find(...images: vscode.Uri[]): FormPanel | undefined {
    return FormPanel.panels.get(FormPanel.keyOf(images));
  }

  static all(): FormPanel[] {
    return [...FormPanel.panels.values()];
  }

  static keyOf(images: vscode.Uri[]): string {
    return images
      .map((uri) => uri.toString())
      .sort()
      .join('\n');
  }

  static title(images: vscode.Uri[]): string {
    return images.length === 1 ? `Luma: ${images[0].path.split('/').pop()}` : `Luma: ${images.length} images`;
  }

  /**
   * Scripts on; local files only from the extension's own dist and media folders, the images'
   * folders and the folders this form's jobs saved their videos in (from the job records). Never
   * from the outputFolder setting: a workspace's value would widen what the webview may read.
   */
  private static webviewOptions(services: FormServices, images: vscode.Uri[]): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    const { extensionUri } = services;
    const folders = [
      vscode.Uri.joinPath(extensionUri, 'dist'),
      vscode.Uri.joinPath(extensionUri, 'media'),
      ...images.map((image) => vscode.Uri.joinPath(image, '..')),
    ];
    const keys = new Set(images.map((image) => image.toString()));
    for (const { job } of services.jobs.machine.snapshots()) {
      if (keys.has(job.imageUri) && job.state === 'done' && job.videoUri)
        folders.push(vscode.Uri.joinPath(vscode.Uri.parse(job.videoUri), '..'));
    }
    const roots = [...new Map(folders.map((folder) => [folder.toString(), folder])).values()];
    return { enableScripts: true, localResourceRoots: roots, retainContextWhenHidden: false, enableFindWidget: false };
  }

  /**
   * A job of this form saved its video in a folder the webview may not read yet: allow it.
   * Changing the options reloads the webview (VS Code compares them and reloads on a change), so
   * only then; it restores itself from its saved state and asks for the jobs again.
   */
  private allowVideoFolder(job: JobRecord): boolean {
    if (job.state !== 'done' || !job.videoUri) return false;
    const video = vscode.Uri.parse(job.videoUri);
    if (isUnderAny(video, this.panel.webview.options.localResourceRoots ?? [])) return false;
    const options = FormPanel.webviewOptions(this.services, this.images);
    if (!isUnderAny(video, options.localResourceRoots ?? [])) return false; // no longer in the list
    this.panel.webview.options = options;
    return true;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly services: FormServices,
    readonly images: vscode.Uri[],
    opening: FormOpening = {},
  ) {
    this.imageKeys = images.map((uri) => uri.toString());
    this.key = FormPanel.keyOf(images);
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    this.opening = opening;
    FormPanel.panels.set(this.key, this);
    // Known from the start, so a form orphaned before anything was typed can still be rebuilt.
    void services.drafts.save(this.key, { title: FormPanel.title(images), images: this.imageKeys, draft: opening.draft });
    panel.title = FormPanel.title(images);
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'icon.png');
    panel.webview.html = this.html();
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage((raw: unknown) => this.handleMessage(raw), null, this.disposables);
    services.jobs.onDidChange((snapshot) => this.onJobChanged(snapshot), null, this.disposables);
    services.jobs.machine.watchOtherWindows();
  }

  /** The stage the form shows for an image (its newest job), if any. */
  jobView(image: vscode.Uri = this.images[0]): JobView | undefined {
    const snapshot = this.latest(image);
    return snapshot ? this.toView(snapshot) : undefined;
  }

  private latest(image: vscode.Uri): JobSnapshot | undefined {
    const job = this.services.jobs.machine.latestFor(image.toString());
    return job ? this.services.jobs.machine.snapshot(job.id) : undefined;
  }

  /** The options the form starts from: a job's own (Generate Again) or the settings'. */
  startingOptions(): GenerationOptions {
    return this.opening.prefill ?? readSettings(this.images[0]).defaults;
  }

  /** Milliseconds from opening the panel to its webview saying it is ready (the first time). */
  whenReady(): Promise<number> {
    return this.ready;
  }

  /** Settles when the jobs started from this form have ended (at once when none runs). */
  async whenIdle(): Promise<void> {
    await this.running;
  }

  /** Handles one message from the webview. Public so tests can drive the same path. */
  async handleMessage(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (!message || ('imageUri' in message && message.imageUri !== undefined && !this.imageKeys.includes(message.imageUri))) {
      this.services.log.warn(`Dropped an unknown message from the form "${this.panel.title}".`);
      return;
    }
    await this.dispatch(message);
  }

  private async dispatch(message: WebviewMessage): Promise<void> {
    const jobs = this.services.jobs;
    switch (message.type) {
      case 'ready': {
        const ms = performance.now() - this.openedAt;
        this.services.log.info(`Form "${this.panel.title}" ready in ${ms.toFixed(0)} ms.`);
        this.markReady(ms);
        return this.postInit();
      }
      case 'generate': {
        const checked = validateBatch(message.options, message.prompts, this.imageKeys);
        if (!checked.ok) {
          this.post({ type: 'invalid', errors: checked.errors, imageErrors: checked.imageErrors });
          return;
        }
        const busy = this.images.filter((image) => this.isRunning(image));
        if (busy.length > 0 || this.generating) {
          this.services.log.warn(`Generate pressed while ${busy.length || 'the'} job(s) of this form still run; ignored.`);
          return;
        }
        this.generating = true;
        let started: JobRecord[];
        try {
          started = await jobs.start(checked.perImage.map((item) => ({ image: vscode.Uri.parse(item.imageUri), options: item.options })));
        } catch (error) {
          // The job list could not keep the job (so nothing was sent): say so. Anything else is a bug.
          if (!(error instanceof LumaError)) throw error;
          void vscode.window.showErrorMessage(`Luma: ${error.message}`);
          started = [];
        } finally {
          this.generating = false;
        }
        if (started.length === 0) {
          // Declined (the last attempt may be paid for): the form stays as it was, with the prompt.
          this.postJobs();
          return;
        }
        await this.rememberPrompts(checked.perImage.map((item) => item.options.prompt));
        return this.track(Promise.all(started.map((job) => jobs.machine.whenSettled(job.id))));
      }
      case 'cancel':
        // The page asks "Stop waiting?" when it knows the video is paid for; a job that became
        // paid meanwhile is asked about here.
        for (const image of message.imageUri ? [vscode.Uri.parse(message.imageUri)] : this.images) {
          const snapshot = this.latest(image);
          if (snapshot?.here) await jobs.machine.cancel(snapshot.job.id, message.confirmed === true);
        }
        return;
      case 'draft':
        await this.services.drafts.save(this.key, {
          title: this.panel.title,
          images: this.imageKeys,
          draft: {
            options: message.options,
            prompts: message.prompts,
            advancedOpen: message.advancedOpen,
            perImageOpen: message.perImageOpen,
          },
        });
        return;
      case 'setApiKey':
        await vscode.commands.executeCommand('lumaVideo.setApiKey');
        return;
      default:
        return this.imageAction(message.type, vscode.Uri.parse(message.imageUri));
    }
  }

  private async imageAction(action: ImageAction, image: vscode.Uri): Promise<void> {
    const machine = this.services.jobs.machine;
    const job = machine.latestFor(image.toString());
    if (!job) return;
    if (action === 'fetch') {
      if (isFetchable(job) && !this.isRunning(image)) await this.track(machine.fetchPaidVideo(job.id));
      return;
    }
    if (job.state !== 'done' || !job.videoUri) return;
    const video = vscode.Uri.parse(job.videoUri);
    if (action === 'openVideo') await openVideo(video);
    else if (action === 'revealVideo') await revealInExplorer(video);
    else if (action === 'copyMarkdownLink') await copyMarkdownLink(video);
    else if (action === 'saveVideoAs') await saveVideoAs(video);
  }

  private isRunning(image: vscode.Uri): boolean {
    const snapshot = this.latest(image);
    return snapshot !== undefined && isRunning(snapshot);
  }

  private async track(run: Promise<unknown>): Promise<void> {
    this.running = run;
    try {
      await run;
    } finally {
      if (this.running === run) this.running = undefined;
    }
  }

  /** Keeps the last prompts of the workspace, newest first, for the form's "Recent prompts". */
  private async rememberPrompts(prompts: string[]): Promise<void> {
    const state = this.services.workspaceState;
    const recent = [...new Set([...prompts.reverse(), ...recentPrompts(state)])].slice(0, MAX_RECENT_PROMPTS);
    await state.update(RECENT_PROMPTS_KEY, recent);
    for (const form of FormPanel.all()) form.post({ type: 'recentPrompts', prompts: recent });
  }

  /** A job of one of this form's images changed (started here, resumed, or from anywhere else): show it. */
  private onJobChanged(changed: JobSnapshot): void {
    const { job } = changed;
    if (!this.imageKeys.includes(job.imageUri)) return;
    const latest = this.latest(vscode.Uri.parse(job.imageUri));
    // An older job of the same image changed: the form shows the newest. (A removed job is gone
    // from the list, so the form falls back to the newest one left, or to the empty form.)
    if (latest && latest.job.id !== job.id) return;
    // A reload follows: the webview's 'ready' brings the whole state, video included.
    if (this.allowVideoFolder(job)) return;
    this.post({
      type: 'job',
      imageUri: job.imageUri,
      job: latest ? this.toView(latest) : { stage: 'editing', stageStartedAt: Date.now() },
    });
  }

  /** Every image's job as it is now (after a declined Generate, so the form settles). */
  private postJobs(): void {
    for (const image of this.images) {
      const latest = this.latest(image);
      this.post({
        type: 'job',
        imageUri: image.toString(),
        job: latest ? this.toView(latest) : { stage: 'editing', stageStartedAt: Date.now() },
      });
    }
  }

  private toView(snapshot: JobSnapshot): JobView {
    return toJobView(snapshot, (videoUri) => {
      const video = vscode.Uri.parse(videoUri);
      return { src: this.panel.webview.asWebviewUri(video).toString(), name: video.path.split('/').pop() ?? 'video.mp4' };
    });
  }

  private postInit(): void {
    const defaults = this.startingOptions();
    const jobs: Record<string, JobView> = {};
    for (const image of this.images) {
      const view = this.jobView(image);
      if (view) jobs[image.toString()] = view;
    }
    this.post({
      type: 'init',
      images: this.images.map((image) => ({
        name: image.path.split('/').pop() ?? 'image',
        src: this.panel.webview.asWebviewUri(image).toString(),
        uri: image.toString(),
      })),
      defaults,
      jobs,
      recentPrompts: recentPrompts(this.services.workspaceState),
      ...(this.opening.draft ? { draft: this.opening.draft } : {}),
    });
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(redactDeep(message, this.services.secrets));
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = randomBytes(18).toString('base64');
    const asset = (...parts: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.services.extensionUri, ...parts)).toString();
    const csp = [
      "default-src 'none'",
      `img-src ${webview.cspSource}`,
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
<title>${escapeHtml(FormPanel.title(this.images))}</title>
</head>
<body>
<main id="app"></main>
<script nonce="${nonce}" src="${asset('dist', 'webview.js')}"></script>
</body>
</html>`;
  }

  dispose(): void {
    if (FormPanel.panels.get(this.key) === this) FormPanel.panels.delete(this.key);
    // Closed by the person: nothing to rebuild. (Stopping hosts keep drafts for the next one.)
    if (!FormPanel.shuttingDown) void this.services.drafts.forget(this.key);
    // Closing the form does not stop its jobs: they go on in the notification and the view.
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

export function recentPrompts(state: vscode.Memento): string[] {
  const saved = state.get<unknown>(RECENT_PROMPTS_KEY);
  return Array.isArray(saved) ? saved.filter((item): item is string => typeof item === 'string').slice(0, MAX_RECENT_PROMPTS) : [];
}

/** Whether `uri` is one of `folders` or inside one (same scheme and authority, whole path segments). */
function isUnderAny(uri: vscode.Uri, folders: readonly vscode.Uri[]): boolean {
  return folders.some((folder) => {
    if (folder.scheme !== uri.scheme || folder.authority !== uri.authority) return false;
    const base = folder.path.endsWith('/') ? folder.path : `${folder.path}/`;
    return uri.path === folder.path || uri.path.startsWith(base);
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
