// The one-image layout: the big image above the form and, under it, the job's status with all
// its buttons. The status is rebuilt when the stage changes and updated in place within a stage.
import { l10n } from '../src/shared/l10n';
import type { ImageView, JobView } from '../src/shared/messages';
import { isWorking } from '../src/shared/stages';
import { setProgress, type Dom } from './dom';
import { imageAction, isCancellable, isPaidAndWaiting, stageDetail, statusKey, type JobsView, type ViewActions } from './jobs';
import { cancelButton, doneButtons, setApiKeyButton, stageText } from './jobStatus';
import { showSendNote } from './imagePrep';
import { videoPlayer, type VideoFile } from './video';

/** The parts of the status section that change within a stage, and what it was built for. */
interface StatusParts {
  key: string;
  text: HTMLElement;
  detail: HTMLElement;
  note: HTMLElement;
  progress?: HTMLElement;
}

export function createSingleView(dom: Dom, image: ImageView, actions: ViewActions): JobsView {
  const imageBox = dom.el('div', { class: 'image-box' });
  showImage(dom, imageBox, image);
  const sendLine = dom.el('p', { id: 'image-send', class: 'note send-note', hidden: true });
  const status = dom.el('section', { id: 'status', role: 'status', 'aria-label': l10n.t('Video'), 'data-focus-scope': true });
  let parts: StatusParts | undefined;
  let job: JobView | undefined;
  return {
    top: [imageBox, sendLine],
    bottom: [status],
    show(jobs, restoring) {
      job = jobs[image.uri];
      const key = statusKey(job);
      if (key !== parts?.key) {
        parts = buildStatus(dom, status, job, key, image, actions);
        if (parts && !restoring) status.scrollIntoView({ block: 'nearest' });
      }
      if (job && parts) updateStatus(parts, job);
    },
    tick() {
      if (job && parts) updateStatus(parts, job);
    },
    focusAfterLoss: () => status.querySelector('button') ?? undefined,
    sendNote: (_imageUri, note) => showSendNote(sendLine, note),
  };
}

function showImage({ el }: Dom, box: HTMLElement, image: ImageView): void {
  const note = () =>
    el('p', { class: 'note', id: 'image-note' }, l10n.t('This image cannot be previewed here; it is still used for the video.'));
  if (!image.src) {
    box.replaceChildren(note());
    return;
  }
  const img = el('img', { id: 'image', src: image.src, alt: l10n.t('The image to animate: {0}', image.name) });
  img.addEventListener('error', () => box.replaceChildren(note()));
  box.replaceChildren(img);
}

function playerOrNote(dom: Dom, video: VideoFile, imageName: string): HTMLElement[] {
  const player = videoPlayer(dom, video, imageName, true, { id: 'video' });
  const note = dom.el(
    'p',
    { id: 'video-note', class: 'note', hidden: true },
    l10n.t("This editor can't play the video here; use {0}.", l10n.t('Open Video')),
  );
  player.addEventListener('error', () => {
    player.hidden = true;
    note.hidden = false;
  });
  return [player, note];
}

/** Cancel, which first asks when the video is already paid for: stopping then only stops the waiting. */
function cancelActions(dom: Dom, view: JobView, imageUri: string, actions: ViewActions): HTMLElement {
  const row = dom.el('div', { class: 'actions' });
  const question = () =>
    isPaidAndWaiting(view) ? l10n.t('The video is already paid for. Stop waiting? The job is kept, so you can fetch it later.') : undefined;
  row.append(cancelButton(dom, row, actions, { id: 'cancel', label: l10n.t('Cancel'), imageUri, question }));
  return row;
}

/** Builds the status section for a new stage (or new video/error); returns the parts that change. */
function buildStatus(
  dom: Dom,
  status: HTMLElement,
  view: JobView | undefined,
  key: string,
  image: ImageView,
  actions: ViewActions,
): StatusParts | undefined {
  if (!view || view.stage === 'editing') {
    status.replaceChildren();
    return undefined;
  }
  const { el, button } = dom;
  const text = el('span', { class: 'stage-text' });
  // Ticks every second: kept out of the announcements.
  const detail = el('span', { class: 'stage-detail', 'aria-live': 'off' });
  const note = el('p', { id: 'job-note', class: 'note' });
  const box = el('div', { class: `status-box ${view.stage}` });
  let progress: HTMLElement | undefined;
  if (view.stage === 'failed') {
    box.append(el('div', { id: 'error', class: 'error-box', role: 'alert' }, view.error?.message ?? l10n.t('Something went wrong.')), note);
    const remedy = view.error?.remedy;
    if (remedy === 'setApiKey') box.append(el('div', { class: 'actions' }, setApiKeyButton(dom, actions)));
    if (remedy === 'retry') box.append(el('div', { class: 'actions' }, button('retry', l10n.t('Try Again'), 'primary', actions.retry)));
  } else {
    box.append(el('p', { class: 'stage' }, text, ' ', detail), note);
  }
  if (view.fetchable) {
    box.append(
      el(
        'div',
        { class: 'actions' },
        button('fetch-video', l10n.t('Fetch Video'), 'primary', imageAction(actions, 'fetch', image.uri)),
        el('span', { class: 'hint' }, l10n.t('Already paid for: fetching does not charge again')),
      ),
    );
  }
  if (isWorking(view)) {
    progress = dom.progressBar(stageText(view, 'status'));
    box.append(progress);
  }
  if (isCancellable(view)) box.append(cancelActions(dom, view, image.uri, actions));
  if (view.stage === 'done' && view.video)
    box.append(...playerOrNote(dom, view.video, image.name), el('div', { class: 'actions' }, ...doneButtons(dom, actions, image.uri)));
  status.replaceChildren(box);
  return { key, text, detail, note, progress };
}

/** Fills in what changes within a stage: elapsed time, download progress, note. */
function updateStatus(parts: StatusParts, view: JobView): void {
  parts.text.textContent = stageText(view, 'status');
  parts.note.textContent = view.note ?? '';
  parts.note.hidden = !view.note;
  const { text, percent } = stageDetail(view);
  // Waiting for a free slot has no number to show; say what it waits for instead.
  parts.detail.textContent = view.stage === 'queued' ? l10n.t('waiting for a free slot') : text;
  if (parts.progress) setProgress(parts.progress, percent);
}
