// The one-image layout: the big image above the form and, under it, the job's status with all
// its buttons. The status is rebuilt when the stage changes and updated in place within a stage.
import type { ImageView, JobView } from '../src/shared/messages';
import { button, el, progressBar, setProgress } from './dom';
import { imageAction, isCancellable, isPaidAndWaiting, isWorking, stageDetail, statusKey, type JobsView, type ViewActions } from './jobs';

/** The parts of the status section that change within a stage, and what it was built for. */
interface StatusParts {
  key: string;
  text: HTMLElement;
  detail: HTMLElement;
  note: HTMLElement;
  progress?: HTMLElement;
}

export function createSingleView(image: ImageView, actions: ViewActions): JobsView {
  const imageBox = el('div', { class: 'image-box' });
  showImage(imageBox, image);
  const status = el('section', { id: 'status', role: 'status', 'aria-label': 'Video', 'data-focus-scope': true });
  let parts: StatusParts | undefined;
  let job: JobView | undefined;
  return {
    top: [imageBox],
    bottom: [status],
    show(jobs, restoring) {
      job = jobs[image.uri];
      const key = statusKey(job);
      if (key !== parts?.key) {
        parts = buildStatus(status, job, key, image.uri, actions);
        if (parts && !restoring) status.scrollIntoView({ block: 'nearest' });
      }
      if (job && parts) updateStatus(parts, job);
    },
    tick() {
      if (job && parts) updateStatus(parts, job);
    },
    focusAfterLoss: () => status.querySelector('button') ?? undefined,
  };
}

function showImage(box: HTMLElement, image: ImageView): void {
  const note = () => el('p', { class: 'note', id: 'image-note' }, 'This image cannot be previewed here; it is still used for the video.');
  if (!image.src) {
    box.replaceChildren(note());
    return;
  }
  const img = el('img', { id: 'image', src: image.src, alt: `The image to animate: ${image.name}` });
  img.addEventListener('error', () => box.replaceChildren(note()));
  box.replaceChildren(img);
}

function stageText(view: JobView): string {
  if (view.cancelling) return 'Cancelling…';
  switch (view.stage) {
    case 'queued':
      return 'Queued…';
    case 'uploading':
      return 'Uploading image…';
    case 'generating':
      return 'Generating video…';
    case 'downloading':
      return 'Downloading video…';
    case 'done':
      return view.video ? `Done: ${view.video.name}` : 'Done.';
    case 'cancelled':
      return 'Cancelled.';
    default:
      return '';
  }
}

function playerOrNote(video: { src: string; name: string }): HTMLElement[] {
  const player = el('video', { id: 'video', src: video.src, controls: true, autoplay: true, muted: true, loop: true, playsinline: true });
  player.muted = true; // the attribute alone does not mute a script-made element, and autoplay needs muted
  const note = el('p', { id: 'video-note', class: 'note', hidden: true }, "This editor can't play the video here; use Open Video.");
  player.addEventListener('error', () => {
    player.hidden = true;
    note.hidden = false;
  });
  return [player, note];
}

/** Cancel, which first asks when the video is already paid for: stopping then only stops the waiting. */
function cancelActions(view: JobView, imageUri: string, actions: ViewActions): HTMLElement {
  const row = el('div', { class: 'actions' });
  const cancel = button('cancel', 'Cancel', 'secondary', () => {
    if (!isPaidAndWaiting(view)) return actions.post({ type: 'cancel', imageUri });
    const keep = button('keep-waiting', 'Keep Waiting', 'secondary', () => {
      row.replaceChildren(cancel);
      cancel.focus();
    });
    row.replaceChildren(
      el(
        'p',
        { class: 'confirm', id: 'cancel-question' },
        'The video is already paid for. Stop waiting? The job is kept, so you can fetch it later.',
      ),
      button('stop-waiting', 'Stop Waiting', 'primary', () => actions.post({ type: 'cancel', imageUri, confirmed: true })),
      keep,
    );
    keep.focus();
  });
  row.append(cancel);
  return row;
}

function doneActions(imageUri: string, actions: ViewActions): HTMLElement {
  return el(
    'div',
    { class: 'actions' },
    button('open-video', 'Open Video', 'primary', imageAction(actions, 'openVideo', imageUri)),
    button('reveal-video', 'Reveal in Explorer', 'secondary', imageAction(actions, 'revealVideo', imageUri)),
    button('copy-link', 'Copy Markdown Link', 'secondary', imageAction(actions, 'copyMarkdownLink', imageUri)),
    button('save-as', 'Save As…', 'secondary', imageAction(actions, 'saveVideoAs', imageUri)),
  );
}

/** Builds the status section for a new stage (or new video/error); returns the parts that change. */
function buildStatus(
  status: HTMLElement,
  view: JobView | undefined,
  key: string,
  imageUri: string,
  actions: ViewActions,
): StatusParts | undefined {
  if (!view || view.stage === 'editing') {
    status.replaceChildren();
    return undefined;
  }
  const text = el('span', { class: 'stage-text' });
  // Ticks every second: kept out of the announcements.
  const detail = el('span', { class: 'stage-detail', 'aria-live': 'off' });
  const note = el('p', { id: 'job-note', class: 'note' });
  const box = el('div', { class: `status-box ${view.stage}` });
  let progress: HTMLElement | undefined;
  if (view.stage === 'failed') {
    box.append(el('div', { id: 'error', class: 'error-box', role: 'alert' }, view.error?.message ?? 'Something went wrong.'), note);
    const remedy = view.error?.remedy;
    if (remedy === 'setApiKey')
      box.append(
        el(
          'div',
          { class: 'actions' },
          button('set-api-key', 'Set API Key', 'primary', () => actions.post({ type: 'setApiKey' })),
        ),
      );
    if (remedy === 'retry') box.append(el('div', { class: 'actions' }, button('retry', 'Try Again', 'primary', actions.retry)));
  } else {
    box.append(el('p', { class: 'stage' }, text, ' ', detail), note);
  }
  if (view.fetchable) {
    box.append(
      el(
        'div',
        { class: 'actions' },
        button('fetch-video', 'Fetch Video', 'primary', imageAction(actions, 'fetch', imageUri)),
        el('span', { class: 'hint' }, 'Already paid for: fetching does not charge again'),
      ),
    );
  }
  if (isWorking(view)) {
    progress = progressBar(stageText(view));
    box.append(progress);
  }
  if (isCancellable(view)) box.append(cancelActions(view, imageUri, actions));
  if (view.stage === 'done' && view.video) box.append(...playerOrNote(view.video), doneActions(imageUri, actions));
  status.replaceChildren(box);
  return { key, text, detail, note, progress };
}

/** Fills in what changes within a stage: elapsed time, download progress, note. */
function updateStatus(parts: StatusParts, view: JobView): void {
  parts.text.textContent = stageText(view);
  parts.note.textContent = view.note ?? '';
  parts.note.hidden = !view.note;
  const { text, percent } = stageDetail(view);
  // Waiting for a free slot has no number to show; say what it waits for instead.
  parts.detail.textContent = view.stage === 'queued' ? 'waiting for a free slot' : text;
  if (parts.progress) setProgress(parts.progress, percent);
}
