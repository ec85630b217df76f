// What a form does for the person: generate (after checking everything again), cancel, fetch, the
// video's buttons, keeping the draft. The router hands each checked message here.
import { l10n } from '../shared/l10n';
import * as vscode from 'vscode';
import { isFetchable, type JobRecord } from '../jobs/job';
import { isRunning, type JobSnapshot } from '../jobs/jobStatus';
import type { JobService } from '../host/jobService';
import { copyMarkdownLink, openVideo, revealInExplorer, saveVideoAs } from '../host/videoActions';
import { checkSentImages } from '../files/imageCheck';
import { fileStamp, imageName, readImageFacts, readImageForConversion, sameStamp, type FileStamp } from '../host/imageFiles';
import { readSettings } from '../host/settings';
import type { FormDraft, GenerateParams, GenerateReply, ImageAction, ImageBytesReply } from '../shared/messages';
import type { ImageFacts } from '../shared/imagePlan';
import { validateBatch } from '../shared/options';
import { LumaError } from '../util/lumaError';
import type { FormDrafts } from './formDrafts';
import type { Handled, NoticeHandlers } from './formRouter';
import { rememberPrompts } from './recentPrompts';

/** The newest job of an image, with its live progress. */
export function newestJob(jobService: JobService, image: vscode.Uri): JobSnapshot | undefined {
  const job = jobService.machine.latestFor(image.toString());
  return job ? jobService.machine.snapshot(job.id) : undefined;
}

/** What the actions need of their form. */
export interface ActionsContext {
  jobService: JobService;
  drafts: FormDrafts;
  log: vscode.LogOutputChannel;
  workspaceState: vscode.Memento;
  images: readonly vscode.Uri[];
  /** The form's key in the registry and the drafts. */
  key: string;
  title(): string;
  /** The webview has loaded (again): it wants the whole state. */
  onReady(): Promise<void>;
  /** Shows every image's job as it is now. */
  postJobs(): void;
  /** The workspace's recent prompts changed: every form shows the new list. */
  recentPromptsChanged(prompts: string[]): void;
}

export class FormActions implements NoticeHandlers {
  private running: Promise<unknown> | undefined;
  /** A Generate being handled (the "generate again?" question may be open): a second one waits its turn. */
  private generating = false;
  private readonly imageKeys: string[];
  /** Which version of each image the page was given to convert: a copy of another one is not sent. */
  private readonly givenToConvert = new Map<string, FileStamp>();

  constructor(private readonly form: ActionsContext) {
    this.imageKeys = form.images.map((uri) => uri.toString());
  }

  /** Settles when the jobs started from this form have ended (at once when none runs). */
  async whenIdle(): Promise<void> {
    await this.running;
  }

  ready(): Promise<void> {
    return this.form.onReady();
  }

  async generate(params: GenerateParams): Promise<Handled<GenerateReply>> {
    const { jobService, log, images } = this.form;
    const checked = validateBatch(params.options, params.prompts, this.imageKeys);
    if (!checked.ok) return { reply: { status: 'invalid', errors: checked.errors, imageErrors: checked.imageErrors } };
    // A copy made from a version of the file that is no longer there is not sent: the page makes it again.
    const changed = await this.changedSinceRead(params.prepared);
    if (changed) return { reply: { status: 'invalid', errors: {}, changed } };
    // What goes out for each image, checked before anything is sent: the form's copy, or the file.
    const sent = checkSentImages(
      await Promise.all(
        images.map(async (image) => ({
          uri: image.toString(),
          name: imageName(image),
          facts: params.prepared?.[image.toString()] ? undefined : await readImageFacts(image),
        })),
      ),
      params.prepared,
      readSettings(images[0]).maxImageBytes,
    );
    if (!sent.ok) return { reply: { status: 'invalid', errors: {}, fileErrors: sent.errors } };
    const busy = images.filter((image) => this.isRunning(image));
    if (busy.length > 0 || this.generating) {
      log.warn(`Generate pressed while ${busy.length || 'the'} job(s) of this form still run; ignored.`);
      return { reply: { status: 'declined' } };
    }
    this.generating = true;
    let started: JobRecord[];
    try {
      started = await jobService.start(
        checked.perImage.map((item) => ({
          image: vscode.Uri.parse(item.imageUri),
          options: item.options,
          prepared: sent.copies[item.imageUri],
        })),
      );
    } catch (error) {
      // The job list could not keep the job (so nothing was sent): say so. Anything else is a bug.
      if (!(error instanceof LumaError)) throw error;
      void vscode.window.showErrorMessage(l10n.t('Luma: {0}', error.message));
      started = [];
    } finally {
      this.generating = false;
    }
    if (started.length === 0) {
      // Declined (the last attempt may be paid for): the form stays as it was, with the prompt.
      this.form.postJobs();
      return { reply: { status: 'declined' } };
    }
    const after = this.track(Promise.all(started.map((job) => jobService.machine.whenSettled(job.id))));
    try {
      const recent = await rememberPrompts(
        this.form.workspaceState,
        checked.perImage.map((item) => item.options.prompt),
      );
      this.form.recentPromptsChanged(recent);
    } catch (error) {
      // The jobs run whatever becomes of the list of recent prompts: the reply must say so.
      log.warn(`Could not remember the prompts: ${String(error)}`);
    }
    return { reply: { status: 'accepted' }, after };
  }

  /** The images whose copies were made from another version than the file holds now, with what it is now. */
  private async changedSinceRead(prepared: Record<string, Uint8Array> | undefined) {
    const changed: Record<string, ImageFacts | null> = {};
    for (const uri of Object.keys(prepared ?? {})) {
      const image = vscode.Uri.parse(uri);
      if (!sameStamp(this.givenToConvert.get(uri), await fileStamp(image))) changed[uri] = (await readImageFacts(image)) ?? null;
    }
    return Object.keys(changed).length > 0 ? changed : undefined;
  }

  /** One of the form's images, whole, for the form to convert (the router let only the form's images through). */
  async imageBytes({ imageUri }: { imageUri: string }): Promise<Handled<ImageBytesReply>> {
    const read = await readImageForConversion(vscode.Uri.parse(imageUri));
    if (!read) return { reply: { status: 'unavailable' } };
    this.givenToConvert.set(imageUri, read.stamp);
    return { reply: { status: 'ok', bytes: read.bytes } };
  }

  async cancel(imageUri: string | undefined, confirmed: boolean): Promise<void> {
    // The page asks "Stop waiting?" when it knows the video is paid for; a job that became
    // paid meanwhile is asked about here.
    const ids: string[] = [];
    for (const image of imageUri ? [vscode.Uri.parse(imageUri)] : this.form.images) {
      const snapshot = newestJob(this.form.jobService, image);
      if (snapshot?.here) ids.push(snapshot.job.id);
    }
    await this.form.jobService.machine.cancelAll(ids, confirmed);
  }

  async draft(draft: FormDraft): Promise<void> {
    await this.form.drafts.save(this.form.key, { title: this.form.title(), images: this.imageKeys, draft });
  }

  async setApiKey(): Promise<void> {
    await vscode.commands.executeCommand('lumaVideo.setApiKey');
  }

  async imageAction(action: ImageAction, imageUri: string): Promise<void> {
    const image = vscode.Uri.parse(imageUri);
    const machine = this.form.jobService.machine;
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

  /** The newest job of the image runs, in this window or another. */
  private isRunning(image: vscode.Uri): boolean {
    const snapshot = newestJob(this.form.jobService, image);
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
}
