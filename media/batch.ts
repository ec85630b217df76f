// The several-images layout: a grid of cards (thumbnail, name, that image's stage and buttons)
// and a one-line summary with Cancel All under it; the per-image prompts that go into the form are
// in perImagePrompts.ts. Only the summary is announced: ten cards ticking and changing would be noise.
import { l10n } from '../src/shared/l10n';
import type { ImageView, JobView } from '../src/shared/messages';
import { COUNTED_STAGES, isWorking, stageCount } from '../src/shared/stages';
import { setProgress, type Dom } from './dom';
import { imageAction, isCancellable, isPaidAndWaiting, stageDetail, statusKey, type JobsView, type ViewActions } from './jobs';
import { cancelButton, doneButtons, setApiKeyButton, stageText } from './jobStatus';
import { showSendNote } from './imagePrep';
import { videoPlayer, type VideoFile } from './video';

interface Card {
  image: ImageView;
  index: number;
  root: HTMLElement;
  media: HTMLElement;
  line: HTMLElement;
  /** What is sent for the image, when not the file as it is. */
  send: HTMLElement;
  actions: HTMLElement;
  progress?: HTMLElement;
  key: string;
  job?: JobView;
}

export function createBatchView(dom: Dom, images: readonly ImageView[], actions: ViewActions): JobsView {
  const cards = images.map((image, index) => buildCard(dom, image, index));
  const grid = dom.el('ul', { id: 'images', class: 'cards', 'aria-label': l10n.t('Images') }, ...cards.map((card) => card.root));
  const summary = buildSummary(dom, actions);
  return {
    top: [grid, summary.root],
    bottom: [],
    show(jobs) {
      for (const card of cards) showCardJob(dom, card, jobs[card.image.uri], actions);
      summary.show(images.map((image) => jobs[image.uri]).filter((job): job is JobView => job !== undefined && job.stage !== 'editing'));
    },
    tick() {
      for (const card of cards) if (card.job) updateCard(dom, card, card.job);
    },
    sendNote(imageUri, note) {
      const card = cards.find((candidate) => candidate.image.uri === imageUri);
      if (card) showSendNote(card.send, note);
    },
    focusAfterLoss: (scope) => scope?.querySelector<HTMLElement>('button') ?? summary.root.querySelector('button') ?? undefined,
  };
}

// ---- cards ----

function buildCard(dom: Dom, image: ImageView, index: number): Card {
  const { el } = dom;
  const media = el('div', { class: 'thumb' });
  showThumbnail(dom, media, image);
  const name = el('p', { class: 'card-name', id: `name-${index}`, title: image.name }, image.name);
  const line = el('p', { class: 'card-stage', id: `status-${index}`, hidden: true });
  const send = el('p', { class: 'note send-note', id: `send-${index}`, hidden: true });
  const actions = el('div', { class: 'actions compact' });
  // The frame holds the picture and, while the job works, a progress bar over its bottom edge.
  const frame = el('div', { class: 'frame' }, media);
  const root = el('li', { class: 'card', 'data-focus-scope': true }, frame, name, send, line, actions);
  return { image, index, root, media, line, send, actions, key: '' };
}

function showThumbnail({ el }: Dom, media: HTMLElement, image: ImageView): void {
  const none = () => el('span', { class: 'note' }, l10n.t('No preview'));
  if (!image.src) return media.replaceChildren(none());
  // The name is right under it, so the picture itself is not read out again.
  const img = el('img', { src: image.src, alt: '' });
  img.addEventListener('error', () => media.replaceChildren(none()));
  media.replaceChildren(img);
}

/** A small player that loads only its first frame: a batch of autoplaying videos is too much. */
function showVideo(dom: Dom, card: Card, video: VideoFile): void {
  const player = videoPlayer(dom, video, card.image.name, false, {
    id: `video-${card.index}`,
    preload: 'metadata',
    poster: card.image.src || undefined,
  });
  // This editor may not play it (e.g. no H.264): the picture again, and Open Video is right there.
  player.addEventListener('error', () => showThumbnail(dom, card.media, card.image));
  card.media.replaceChildren(player);
}

/** The buttons of a finished card; each is described by the image's name, as every card has them. */
function cardButtons(dom: Dom, card: Card, view: JobView, actions: ViewActions): HTMLButtonElement[] {
  const { index, image } = card;
  const about = { 'aria-describedby': `name-${index}` };
  if (view.stage === 'done' && view.video) return doneButtons(dom, actions, image.uri, index, about);
  if (view.fetchable) {
    return [
      dom.button(`fetch-video-${index}`, l10n.t('Fetch Video'), 'primary', imageAction(actions, 'fetch', image.uri), {
        ...about,
        title: l10n.t('Already paid for: fetching does not charge again'),
      }),
    ];
  }
  return [];
}

function showCardJob(dom: Dom, card: Card, view: JobView | undefined, actions: ViewActions): void {
  card.job = view;
  const key = statusKey(view);
  if (key !== card.key) {
    card.key = key;
    buildCardStatus(dom, card, view, actions);
  }
  if (view) updateCard(dom, card, view);
}

/** Rebuilds a card for a new stage (or new video/error): its picture or player, bar and buttons. */
function buildCardStatus(dom: Dom, card: Card, view: JobView | undefined, actions: ViewActions): void {
  const shown = view !== undefined && view.stage !== 'editing';
  card.line.hidden = !shown;
  card.line.className = `card-stage ${view?.stage ?? ''}`;
  card.actions.replaceChildren(...(shown ? cardButtons(dom, card, view, actions) : []));
  card.progress?.remove();
  card.progress = view && isWorking(view) ? dom.progressBar(`${card.image.name}: ${stageText(view, 'card')}`) : undefined;
  if (card.progress) card.media.after(card.progress);
  if (view?.stage === 'done' && view.video) showVideo(dom, card, view.video);
  else if (!card.media.querySelector('img')) showThumbnail(dom, card.media, card.image);
}

/** What changes within a stage: elapsed time, download progress, note. */
function updateCard({ el }: Dom, card: Card, view: JobView): void {
  const { text: detail, percent } = stageDetail(view);
  const parts = [el('span', { class: 'stage-text' }, stageText(view, 'card'))];
  if (detail) parts.push(el('span', { class: 'stage-detail' }, detail));
  if (view.note) parts.push(el('span', { class: 'note' }, view.note));
  // Spaces between the parts, so they read (and copy) as one line.
  card.line.replaceChildren(...parts.flatMap((part, i) => (i ? [' ', part] : [part])));
  if (card.progress) setProgress(card.progress, percent);
}

// ---- summary and Cancel All ----

function summaryText(jobs: readonly JobView[]): string {
  if (jobs.length > 1 && jobs.every((job) => job.stage === 'done')) return l10n.t('All {0} videos are done.', jobs.length);
  const counts = COUNTED_STAGES.map((stage) => [stage, jobs.filter((job) => job.stage === stage).length] as const).filter(([, n]) => n > 0);
  return l10n.t('Videos: {0}.', counts.map(([stage, n]) => stageCount(stage, n)).join(l10n.t(', ')));
}

function cancelQuestion(paid: number, others: number): string {
  const fact = paid === 1 ? l10n.t('One video is already paid for.') : l10n.t('{0} videos are already paid for.', paid);
  const ask =
    others === 0
      ? l10n.t('Stop waiting?')
      : paid === 1
        ? others === 1
          ? l10n.t('Stop waiting for it and cancel the other one?')
          : l10n.t('Stop waiting for it and cancel the other {0}?', others)
        : others === 1
          ? l10n.t('Stop waiting for them and cancel the other one?')
          : l10n.t('Stop waiting for them and cancel the other {0}?', others);
  return [fact, ask, l10n.t('Paid jobs are kept, so you can fetch them later.')].join(' ');
}

function buildSummary(dom: Dom, actions: ViewActions) {
  const { el } = dom;
  const text = el('p', { id: 'batch-summary', role: 'status' });
  const buttons = el('div', { class: 'actions' });
  const root = el('div', { id: 'batch-status', class: 'batch-status', 'data-focus-scope': true, hidden: true }, text, buttons);
  let key = '';
  /** The jobs last shown: Cancel All asks about these, not the ones it was built with. */
  let latest: readonly JobView[] = [];
  /** Asked when some videos are paid for, as stopping those only stops the waiting. */
  const question = () => {
    const paid = latest.filter(isPaidAndWaiting).length;
    return paid === 0 ? undefined : cancelQuestion(paid, latest.filter(isCancellable).length - paid);
  };

  function show(jobs: readonly JobView[]): void {
    latest = jobs;
    root.hidden = jobs.length === 0;
    text.textContent = jobs.length ? summaryText(jobs) : '';
    const running = jobs.some(isCancellable);
    const needsKey = jobs.some((job) => job.stage === 'failed' && job.error?.remedy === 'setApiKey');
    // Rebuilt only when the buttons change, so an open "Stop waiting?" question survives updates.
    const next = `${running} ${needsKey} ${jobs.filter(isPaidAndWaiting).length > 0}`;
    if (next === key) return;
    key = next;
    buttons.replaceChildren();
    if (needsKey) buttons.append(setApiKeyButton(dom, actions));
    if (running) buttons.append(cancelButton(dom, buttons, actions, { id: 'cancel-all', label: l10n.t('Cancel All'), question }));
  }
  return { root, show };
}
