// The form, host side: one webview panel per image or per batch of images ("Luma: cat.png",
// "Luma: 3 images"). This file holds the panel's life: opening, reviving after a reload, what it
// posts to its webview (the images, the jobs as they change) and closing. Its page is made in
// formHtml.ts, its messages checked in formRouter.ts and carried out in formActions.ts; what is
// typed is kept as a draft (formDrafts.ts) so that a form left behind by a dead extension host can
// be rebuilt (orphanForms.ts).
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { isImageUri } from '../commands/pickImages';
import type { JobRecord } from '../jobs/job';
import { toJobView, type JobSnapshot } from '../jobs/jobStatus';
import type { JobService } from '../host/jobService';
import { imageName, readImageFacts } from '../host/imageFiles';
import { readSettings } from '../host/settings';
import { FormDraft, HostMessage, JobView, VIEW_TYPE } from '../shared/messages';
import type { GenerationOptions } from '../shared/options';
import { redactDeep } from '../util/redact';
import { FormActions, newestJob } from './formActions';
import type { FormDrafts } from './formDrafts';
import { formHtml, formWebviewOptions, isUnderAny } from './formHtml';
import { formKey, FormRegistry, formTitle } from './formRegistry';
import { FormRouter } from './formRouter';
import { recentPrompts } from './recentPrompts';

export interface FormServices {
  extensionUri: vscode.Uri;
  jobService: JobService;
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
  /** The open forms. */
  static readonly open = new FormRegistry<FormPanel>();

  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  /** Names this panel to its page (see `init.panel`). */
  private readonly panelId = randomUUID();
  private readonly imageKeys: string[];
  readonly key: string;
  /** The form's messages: `messages.receive` is what the webview's messages go to. */
  readonly messages: FormRouter;
  private readonly actions: FormActions;
  private readonly openedAt = performance.now();
  private readonly ready: Promise<number>;
  private markReady: (ms: number) => void = () => undefined;

  /** Opens the form for these images, or brings their open form forward. */
  static createOrShow(services: FormServices, images: vscode.Uri[], opening: FormOpening = {}): FormPanel {
    const existing = FormPanel.open.find(images);
    if (existing && !opening.prefill && !opening.draft) {
      existing.panel.reveal(vscode.ViewColumn.Active);
      return existing;
    }
    // Generate Again starts from the job's prompt: a fresh form, not one with other typed text.
    existing?.panel.dispose();
    const panel = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      formTitle(images),
      opening.viewColumn ?? vscode.ViewColumn.Active,
      formWebviewOptions(services.extensionUri, images, services.jobService.machine.snapshots()),
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
    panel.webview.options = formWebviewOptions(services.extensionUri, images, services.jobService.machine.snapshots());
    new FormPanel(panel, services, images);
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly services: FormServices,
    readonly images: vscode.Uri[],
    private readonly opening: FormOpening = {},
  ) {
    this.imageKeys = images.map((uri) => uri.toString());
    this.key = formKey(images);
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    const title = () => this.panel.title;
    this.actions = new FormActions({
      ...services,
      images,
      key: this.key,
      title,
      onReady: () => this.onReady(),
      postJobs: () => this.postJobs(),
      recentPromptsChanged: (prompts) => FormPanel.open.all().forEach((form) => form.post({ type: 'recentPrompts', prompts })),
    });
    this.messages = new FormRouter(
      { imageKeys: this.imageKeys, title, post: (message) => this.post(message), warn: (message) => services.log.warn(message) },
      { generate: (params) => this.actions.generate(params), imageBytes: (params) => this.actions.imageBytes(params) },
      this.actions,
    );
    FormPanel.open.add(this);
    // Known from the start, so a form orphaned before anything was typed can still be rebuilt.
    void services.drafts.save(this.key, { title: formTitle(images), images: this.imageKeys, draft: opening.draft });
    panel.title = formTitle(images);
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'icon.png');
    panel.webview.html = formHtml(panel.webview, services.extensionUri, formTitle(images));
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage(this.messages.receive, null, this.disposables);
    services.jobService.onDidChange((snapshot) => this.onJobChanged(snapshot), null, this.disposables);
    services.jobService.machine.watchOtherWindows();
  }

  /** The stage the form shows for an image (its newest job), if any. */
  jobView(image: vscode.Uri = this.images[0]): JobView | undefined {
    const snapshot = newestJob(this.services.jobService, image);
    return snapshot ? this.view(snapshot) : undefined;
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
  whenIdle(): Promise<void> {
    return this.actions.whenIdle();
  }

  private view(snapshot: JobSnapshot): JobView {
    return toJobView(snapshot, (videoUri) => {
      const video = vscode.Uri.parse(videoUri);
      return { src: this.panel.webview.asWebviewUri(video).toString(), name: video.path.split('/').pop() ?? 'video.mp4' };
    });
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
    const options = formWebviewOptions(this.services.extensionUri, this.images, this.services.jobService.machine.snapshots());
    if (!isUnderAny(video, options.localResourceRoots ?? [])) return false; // no longer in the list
    this.panel.webview.options = options;
    return true;
  }

  /** A job of one of this form's images changed (started here, resumed, or from anywhere else): show it. */
  private onJobChanged(changed: JobSnapshot): void {
    const { job } = changed;
    if (!this.imageKeys.includes(job.imageUri)) return;
    const latest = newestJob(this.services.jobService, vscode.Uri.parse(job.imageUri));
    // An older job of the same image changed: the form shows the newest. (A removed job is gone
    // from the list, so the form falls back to the newest one left, or to the empty form.)
    if (latest && latest.job.id !== job.id) return;
    // A reload follows: the webview's 'ready' brings the whole state, video included.
    if (this.allowVideoFolder(job)) return;
    this.postJob(job.imageUri, latest);
  }

  /** Every image's job as it is now (after a declined Generate, so the form settles). */
  private postJobs(): void {
    for (const image of this.images) this.postJob(image.toString(), newestJob(this.services.jobService, image));
  }

  private postJob(imageUri: string, latest: JobSnapshot | undefined): void {
    this.post({ type: 'job', imageUri, job: latest ? this.view(latest) : { stage: 'editing', stageStartedAt: Date.now() } });
  }

  private async onReady(): Promise<void> {
    const ms = performance.now() - this.openedAt;
    this.services.log.info(`Form "${this.panel.title}" ready in ${ms.toFixed(0)} ms.`);
    this.markReady(ms);
    const settings = readSettings(this.images[0]);
    const facts = await Promise.all(this.images.map((image) => readImageFacts(image)));
    if (this.disposed) return;
    // The jobs as they are now, after the reads: a job that changed meanwhile is not shown as it was.
    const jobs: Record<string, JobView> = {};
    for (const image of this.images) {
      const view = this.jobView(image);
      if (view) jobs[image.toString()] = view;
    }
    this.post({
      type: 'init',
      images: this.images.map((image, i) => ({
        name: imageName(image),
        src: this.panel.webview.asWebviewUri(image).toString(),
        uri: image.toString(),
        ...(facts[i] ? { file: facts[i] } : {}),
      })),
      limits: { maxBytes: settings.maxImageBytes, shrinkLarge: settings.shrinkLargeImages },
      panel: this.panelId,
      defaults: this.startingOptions(),
      jobs,
      recentPrompts: recentPrompts(this.services.workspaceState),
      ...(this.opening.draft ? { draft: this.opening.draft } : {}),
    });
  }

  private post(message: HostMessage): void {
    // A reply can come after the form was closed (a large image still being read): it goes nowhere.
    if (this.disposed) return;
    void this.panel.webview.postMessage(redactDeep(message, this.services.secrets));
  }

  dispose(): void {
    this.disposed = true;
    FormPanel.open.remove(this);
    // Closed by the person: nothing to rebuild. (Stopping hosts keep drafts for the next one.)
    if (!FormPanel.open.shuttingDown) void this.services.drafts.forget(this.key);
    // Closing the form does not stop its jobs: they go on in the notification and the view.
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
