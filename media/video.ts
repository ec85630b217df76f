// A finished video's player, for the single image and for a batch card: named for screen readers
// (a video element has no text of its own) and, when the person asked the system for reduced
// motion, still until they press play.
import { l10n } from '../src/shared/l10n';
import type { Attrs, Dom } from './dom';

export interface VideoFile {
  src: string;
  name: string;
}

/** What a screen reader says for the player: the video's file name and the image it was made from. */
export function videoLabel(video: VideoFile, imageName: string): string {
  return l10n.t('Video {0}, made from {1}', video.name, imageName);
}

/** Whether the system (or browser) asks for reduced motion. */
export function prefersReducedMotion(document: Document): boolean {
  return document.defaultView?.matchMedia?.('(prefers-reduced-motion: reduce)').matches === true;
}

/**
 * A looping player with its controls. `autoplay` asks for it to start by itself, muted, which it
 * does only without reduced motion; `attrs` adds the layout's own attributes (id, poster…).
 */
export function videoPlayer(dom: Dom, video: VideoFile, imageName: string, autoplay: boolean, attrs: Attrs = {}): HTMLVideoElement {
  const player = dom.el('video', {
    ...attrs,
    src: video.src,
    controls: true,
    autoplay: autoplay && !prefersReducedMotion(dom.document),
    muted: autoplay,
    loop: true,
    playsinline: true,
    'aria-label': videoLabel(video, imageName),
  });
  player.muted = autoplay; // the attribute alone does not mute a script-made element, and autoplay needs muted
  return player;
}
