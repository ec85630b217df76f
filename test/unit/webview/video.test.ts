// The finished video in the form's webview (happy-dom): its accessible name, and no autoplay when
// the system asks for reduced motion.
import * as assert from 'node:assert/strict';
import { image, job, Page } from './page';

const cat = image('cat.png');
const catVideo = { src: 'https://file.test/w/cat.luma.mp4', name: 'cat.luma.mp4' };

describe('webview form: the finished video', () => {
  let page: Page;
  afterEach(() => page.close());

  function showDone(settings: { reducedMotion?: boolean } = {}): HTMLVideoElement {
    page = new Page(undefined, settings);
    page.init([cat], { jobs: { [cat.uri]: job('done', { video: catVideo }) } });
    return page.$<HTMLVideoElement>('#video');
  }

  it('one image: named by the video and its image, with controls; it plays by itself, muted and looping', () => {
    const video = showDone();
    assert.equal(video.getAttribute('aria-label'), 'Video cat.luma.mp4, made from cat.png');
    assert.equal(video.hasAttribute('controls'), true);
    assert.equal(video.hasAttribute('autoplay'), true);
    assert.equal(video.muted, true);
    assert.equal(video.hasAttribute('loop'), true);
  });

  it('one image, with reduced motion asked for: no autoplay, still named and with its controls to play it', () => {
    const video = showDone({ reducedMotion: true });
    assert.equal(page.window.matchMedia('(prefers-reduced-motion: reduce)').matches, true, 'the setting reaches the page');
    assert.equal(video.hasAttribute('autoplay'), false);
    assert.equal(video.autoplay, false);
    assert.equal(video.hasAttribute('controls'), true);
    assert.equal(video.getAttribute('aria-label'), 'Video cat.luma.mp4, made from cat.png');
  });

  it("a batch: each card's player is named by its own video and image, and none plays by itself", () => {
    page = new Page();
    const images = [image('a.png'), image('b b.webp')];
    page.init(images);
    images.forEach((item, index) => {
      const video = { src: `https://file.test/w/${index}.mp4`, name: item.name.replace(/\.\w+$/, '.luma.mp4') };
      page.send({ type: 'job', imageUri: item.uri, job: job('done', { video }) });
    });
    assert.equal(page.$('#video-0').getAttribute('aria-label'), 'Video a.luma.mp4, made from a.png');
    assert.equal(page.$('#video-1').getAttribute('aria-label'), 'Video b b.luma.mp4, made from b b.webp');
    for (const id of ['#video-0', '#video-1']) {
      assert.equal(page.$(id).hasAttribute('autoplay'), false);
      assert.equal(page.$(id).hasAttribute('controls'), true);
    }
  });
});
