// Images the service would not take as they are (issue 13), in plain Node: what the form decides
// to convert, the host's checks of what the webview sends, and the copy's life in the job store,
// up to the upload the simulator receives.
import * as assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkSentImages, IMAGE_EXTENSIONS, imageDimensions, imageFacts, type SentImage } from '../../src/files/imageCheck';
import { convertReason, MAX_SENT_SIDE, sentAsText, sentSize, type ImageFacts } from '../../src/shared/imagePlan';
import { Simulator } from '../simulator/simulator';
import { bmpBytes, gifBytes, pngBytes } from '../support/imageFiles';
import { createHost, type TestHost } from '../support/jobHost';
import { rawManifest } from '../support/manifest';

const MB = 1024 * 1024;
const LIMITS = { maxBytes: 10 * MB, shrinkLarge: true };
const fixtures = path.resolve(__dirname, '../../../test/fixtures');
const read = (name: string) => new Uint8Array(readFileSync(path.join(fixtures, name)));

async function until<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  for (const started = Date.now(); Date.now() - started < timeoutMs; await new Promise((resolve) => setTimeout(resolve, 10))) {
    const value = probe();
    if (value) return value;
  }
  throw new Error('timed out');
}

/** A JPEG header as a camera writes one: a large EXIF segment before the frame's size. */
function jpegHeader(width: number, height: number, exifBytes = 60_000): Uint8Array {
  const exif = [0xff, 0xe1, (exifBytes + 2) >> 8, (exifBytes + 2) & 0xff, ...new Array<number>(exifBytes).fill(0)];
  const sof = [0xff, 0xc0, 0, 17, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, ...new Array<number>(9).fill(0)];
  return new Uint8Array([0xff, 0xd8, ...exif, ...sof]);
}

describe('images converted in the form (issue 13)', () => {
  describe('what is sent for an image', () => {
    it('knows GIF, BMP and AVIF by their bytes (not sendable: converted), and HEIC apart from AVIF', () => {
      assert.deepEqual(imageFacts(gifBytes(32, 16), 1234), { format: 'GIF', sendable: false, bytes: 1234 });
      assert.equal(imageFacts(bmpBytes(8, 8), 200).format, 'BMP');
      assert.equal(imageFacts(read('images/sample.avif'), 691).format, 'AVIF');
      const heic = new Uint8Array([0, 0, 0, 24, ...Buffer.from('ftypheic'), 0, 0, 0, 0, ...Buffer.from('mif1heic')]);
      assert.equal(imageFacts(heic, 24).format, 'HEIC');
      assert.deepEqual(imageFacts(Buffer.from('just text, named photo.png'), 26), { sendable: false, bytes: 26 });
    });

    it('reads the long side of PNG, JPEG (past a 60 KB camera segment) and WebP from the header alone', () => {
      assert.equal(imageFacts(pngBytes(3000, 20), 5000).longSide, 3000);
      assert.deepEqual(imageDimensions(jpegHeader(6000, 4000)), { width: 6000, height: 4000 });
      assert.equal(imageFacts(jpegHeader(4000, 6000), 9 * MB).longSide, 6000);
      assert.deepEqual(imageDimensions(read('workspace/beach.jpg')), { width: 320, height: 240 });
      const webp = read('workspace/photos/dog.webp');
      assert.ok(imageDimensions(webp), 'the fixture WebP');
      const vp8x = new Uint8Array(30);
      vp8x.set(Buffer.from('RIFF'), 0);
      vp8x.set(Buffer.from('WEBPVP8X'), 8);
      vp8x.set([0xff, 0x0f, 0x00, 0x9f, 0x0f, 0x00], 24); // 4096 × 4000, stored minus one
      assert.deepEqual(imageDimensions(vp8x), { width: 4096, height: 4000 });
      assert.equal(imageDimensions(new Uint8Array([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff])), undefined, 'a header cut short');
    });

    it('converts what 1min.ai would refuse, and (by the setting) what has more pixels than the video uses', () => {
      const photo: ImageFacts = { format: 'JPEG', sendable: true, bytes: 9 * MB, longSide: 6000 };
      assert.equal(convertReason({ format: 'GIF', sendable: false, bytes: 1000 }, LIMITS), 'format');
      assert.equal(convertReason({ sendable: false, bytes: 1000 }, LIMITS), undefined, 'no image: refused as before, not converted');
      assert.equal(convertReason({ ...photo, bytes: 12 * MB }, LIMITS), 'size');
      assert.equal(convertReason({ ...photo, bytes: 12 * MB }, { ...LIMITS, shrinkLarge: false }), 'size', 'over the limit either way');
      assert.equal(convertReason(photo, LIMITS), 'pixels');
      assert.equal(convertReason(photo, { ...LIMITS, shrinkLarge: false }), undefined, 'setting off: sent as it is');
      assert.equal(convertReason({ ...photo, longSide: MAX_SENT_SIDE }, LIMITS), undefined);
      assert.equal(convertReason({ ...photo, longSide: undefined }, LIMITS), 'unknown', 'only the decoded picture tells');
    });

    it('keeps the shape and says what goes', () => {
      assert.deepEqual(sentSize(6000, 4000), { width: 2048, height: 1365 });
      assert.deepEqual(sentSize(1080, 1920), { width: 1080, height: 1920 }, 'within 2048: not enlarged');
      assert.deepEqual(sentSize(6000, 4000, 0.5), { width: 1024, height: 683 });
      assert.equal(sentAsText({ mimeType: 'image/jpeg', width: 2048, height: 1536, bytes: 1.4 * MB }), 'sent as JPEG, 2048 × 1536, 1.4 MB');
    });
  });

  describe("the host's checks of what the webview sends", () => {
    const png = pngBytes(64, 48);
    const images: SentImage[] = [
      { uri: 'file:///w/anim.gif', name: 'anim.gif', facts: undefined },
      { uri: 'file:///w/big.png', name: 'big.png', facts: undefined },
    ];

    it('takes a real PNG, JPEG or WebP within the limit, with its size read from its own header', () => {
      const checked = checkSentImages(images, { 'file:///w/anim.gif': png, 'file:///w/big.png': read('workspace/beach.jpg') }, 10 * MB);
      assert.ok(checked.ok);
      assert.deepEqual(
        Object.values(checked.copies).map(({ mimeType, width, height }) => ({ mimeType, width, height })),
        [
          { mimeType: 'image/png', width: 64, height: 48 },
          { mimeType: 'image/jpeg', width: 320, height: 240 },
        ],
      );
    });

    it('refuses a copy that is not an image, one over the limit, a GIF "copy", and one of an image not in the form', () => {
      const text = new TextEncoder().encode('<svg onload="fetch(...)"/>');
      const notImage = checkSentImages(images, { 'file:///w/anim.gif': text }, 10 * MB);
      assert.ok(!notImage.ok);
      assert.match(notImage.errors['file:///w/anim.gif'], /anim\.gif is not an image/);

      const over = checkSentImages(images, { 'file:///w/big.png': pngBytes(400, 400, { noise: true }) }, 100_000);
      assert.ok(!over.ok);
      assert.match(over.errors['file:///w/big.png'], /big\.png is .* KB; 1min\.ai takes images up to 97\.7 KB/);

      const gif = checkSentImages(images, { 'file:///w/anim.gif': gifBytes(8, 8) }, 10 * MB);
      assert.ok(!gif.ok);
      assert.match(gif.errors['file:///w/anim.gif'], /GIF image; 1min\.ai takes PNG, JPEG and WebP only/);

      const stranger = checkSentImages(images, { 'file:///home/me/secret.png': png }, 10 * MB);
      assert.ok(!stranger.ok);
      assert.equal(stranger.errors['file:///home/me/secret.png'], 'This image is not in the form.');
    });

    it('a file the form could not convert is refused before anything is sent, saying what to do', () => {
      const facts = [
        { uri: 'file:///w/photo.heic', name: 'photo.heic', facts: { format: 'HEIC', sendable: false, bytes: 2 * MB } },
        { uri: 'file:///w/huge.png', name: 'huge.png', facts: { format: 'PNG', sendable: true, bytes: 12 * MB, longSide: 4000 } },
        { uri: 'file:///w/fine.png', name: 'fine.png', facts: { format: 'PNG', sendable: true, bytes: MB, longSide: 4000 } },
      ];
      const checked = checkSentImages(facts, undefined, 10 * MB);
      assert.ok(!checked.ok);
      assert.deepEqual(Object.keys(checked.errors), ['file:///w/photo.heic', 'file:///w/huge.png']);
      assert.match(
        checked.errors['file:///w/photo.heic'],
        /HEIC image, which 1min\.ai does not take, and it could not be converted here\. Convert it/,
      );
      assert.match(
        checked.errors['file:///w/huge.png'],
        /12\.0 MB, over the 10\.0 MB limit, and it could not be made smaller here\. Resize/,
      );
    });
  });

  describe('the copy in the job store', function () {
    this.timeout(20_000);
    let sim: Simulator;
    let storeDir: string;
    let videoDir: string;
    const hosts: TestHost[] = [];
    before(async () => {
      sim = await Simulator.start({ apiKey: 'copy-key', generationMs: 100 });
    });
    after(() => sim.stop());
    /** What the service received since this test began (reset keeps earlier uploads: their keys stay valid). */
    let uploadsBefore = 0;
    const uploads = () => sim.uploadsReceived.slice(uploadsBefore);
    beforeEach(async () => {
      sim.reset();
      uploadsBefore = sim.uploadsReceived.length;
      storeDir = await fs.mkdtemp(path.join(os.tmpdir(), 'luma-copy-store-'));
      videoDir = await fs.mkdtemp(path.join(os.tmpdir(), 'luma-copy-videos-'));
    });
    afterEach(async () => {
      for (const host of hosts.splice(0)) host.crash();
      await fs.rm(storeDir, { recursive: true, force: true, maxRetries: 5 });
      await fs.rm(videoDir, { recursive: true, force: true, maxRetries: 5 });
    });
    const host = (hostId = 'window-1', concurrency = 2) => {
      const created = createHost({ storeDir, videoDir, api: sim, apiKey: 'copy-key', hostId, deadHosts: new Set(), concurrency });
      hosts.push(created);
      return created;
    };
    const copies = async () => (await fs.readdir(path.join(storeDir, 'copies')).catch(() => [] as string[])).sort();

    it('uploads the copy, under the image name with its own extension, and drops it once the video is saved', async () => {
      const a = host();
      const copy = pngBytes(120, 80, { alpha: true });
      const [job] = await a.machine.start([
        { ...a.request('anim.gif'), prepared: { bytes: copy, mimeType: 'image/png', width: 120, height: 80 } },
      ]);
      assert.deepEqual(job.sentCopy, { mimeType: 'image/png', width: 120, height: 80, bytes: copy.byteLength });
      const settled = await a.machine.whenSettled(job.id);
      assert.equal(settled?.state, 'done');
      const [upload] = uploads();
      assert.equal(upload.mimetype, 'image/png');
      assert.match(upload.key, /_anim\.png$/);
      assert.deepEqual(new Uint8Array(upload.data!), copy);
      await a.store.flushed();
      for (let i = 0; i < 50 && (await copies()).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(await copies(), []);
    });

    it('a copy that cannot be written (a full disk) refuses the whole batch: no job kept, no copy left, nothing sent', async () => {
      const a = host();
      const put = a.store.copies.put.bind(a.store.copies);
      let writes = 0;
      a.store.copies.put = async (id, bytes) => {
        if (++writes === 2) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        return put(id, bytes);
      };
      const copy = { bytes: pngBytes(8, 8), mimeType: 'image/png' as const, width: 8, height: 8 };
      await assert.rejects(
        a.machine.start([{ ...a.request('a.gif'), prepared: copy }, { ...a.request('b.gif'), prepared: copy }, { ...a.request('c.png') }]),
        /Could not keep the job list in VS Code's storage \(ENOSPC\), so nothing was sent for a\.gif, b\.gif, c\.png\./,
      );
      assert.deepEqual(a.machine.snapshots(), []);
      assert.deepEqual(await copies(), []);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(uploads().length, 0);
      assert.equal(sim.featureCalls, 0);
    });

    it('an accepted job drops its copy at once: a Retry of it only fetches', async () => {
      sim.configure({ generationMs: 1500 });
      const a = host();
      const [job] = await a.machine.start([
        { ...a.request('anim.gif'), prepared: { bytes: pngBytes(8, 8), mimeType: 'image/png', width: 8, height: 8 } },
      ]);
      await until(() => a.machine.get(job.id)?.uuid);
      await a.store.flushed();
      for (let i = 0; i < 50 && (await copies()).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(await copies(), [], 'gone while the video is still being made');
      assert.equal((await a.machine.whenSettled(job.id))?.state, 'done');
      sim.configure({ generationMs: 100 });
    });

    it('a copy that is gone by the upload fails the job before anything is sent, saying what to do', async () => {
      sim.configure({ generationMs: 1500 });
      const a = host('window-1', 1);
      // The one slot is taken: the job with the copy waits in the queue while its copy goes.
      const [first] = await a.machine.start([a.request('cat.png')]);
      const [job] = await a.machine.start([
        { ...a.request('photo.bmp'), prepared: { bytes: pngBytes(8, 8), mimeType: 'image/png', width: 8, height: 8 } },
      ]);
      assert.equal(a.machine.get(job.id)?.state, 'queued');
      await fs.rm(path.join(storeDir, 'copies', `${job.id}.image`));
      assert.equal((await a.machine.whenSettled(first.id))?.state, 'done');
      const settled = await a.machine.whenSettled(job.id);
      assert.equal(settled?.state, 'failed');
      assert.match(settled?.error ?? '', /The converted copy of photo\.bmp is gone\. Generate it again from the form\./);
      assert.equal(sim.featureCalls, 1, 'only the first job was sent');
      sim.configure({ generationMs: 100 });
    });

    it('a Retry uploads the same copy; forgetting the job removes it; what a crash left between copy and job is swept', async () => {
      const a = host();
      const copy = read('workspace/beach.jpg');
      sim.inject('features', { kind: 'status', status: 400, body: { message: 'Temporarily refused' } });
      const [job] = await a.machine.start([
        { ...a.request('big.png'), prepared: { bytes: copy, mimeType: 'image/jpeg', width: 320, height: 240 } },
      ]);
      assert.equal((await a.machine.whenSettled(job.id))?.state, 'failed');
      assert.deepEqual(await copies(), [`${job.id}.image`], 'kept for a Retry');
      await a.machine.retry(job.id);
      assert.equal((await a.machine.whenSettled(job.id))?.state, 'done');
      assert.deepEqual(
        uploads().map((upload) => [upload.mimetype, upload.size]),
        [
          ['image/jpeg', copy.byteLength],
          ['image/jpeg', copy.byteLength],
        ],
      );

      // A crash between writing a copy and saving its job leaves a copy no job names: swept once old.
      await fs.writeFile(path.join(storeDir, 'copies', 'orphan-job.image'), copy);
      await fs.writeFile(path.join(storeDir, 'copies', '.half-job.1234.tmp'), copy.subarray(0, 10));
      const old = new Date(Date.now() - 11 * 60_000);
      await fs.utimes(path.join(storeDir, 'copies', 'orphan-job.image'), old, old);
      await fs.utimes(path.join(storeDir, 'copies', '.half-job.1234.tmp'), old, old);
      const [kept] = await a.machine.start([
        { ...a.request('anim.gif'), prepared: { bytes: copy, mimeType: 'image/jpeg', width: 320, height: 240 } },
      ]);
      await a.machine.whenSettled(kept.id);
      for (let i = 0; i < 50 && (await copies()).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(await copies(), [], "the orphans swept, the done job's copy dropped");

      // A failed job's copy stays until the job is forgotten.
      sim.inject('features', { kind: 'status', status: 400, body: { message: 'Temporarily refused' } });
      const [failed] = await a.machine.start([
        { ...a.request('cat.gif'), prepared: { bytes: copy, mimeType: 'image/jpeg', width: 320, height: 240 } },
      ]);
      await a.machine.whenSettled(failed.id);
      assert.deepEqual(await copies(), [`${failed.id}.image`]);
      assert.ok(await a.machine.remove(failed.id));
      assert.deepEqual(await copies(), []);
    });
  });
});

describe('where Generate Video from Image is offered', () => {
  const menus = (rawManifest() as { contributes: { menus: Record<string, { command: string; when?: string }[]> } }).contributes.menus;
  const whens = Object.values(menus)
    .flat()
    .filter((item) => item.command === 'lumaVideo.generate' && item.when?.includes('resourceExtname'))
    .map((item) => item.when!);

  it('every menu offers it on the extensions the picker lists, in any letter case, and on nothing else', () => {
    assert.equal(whens.length, 4, 'Explorer, editor title, editor tab, image preview');
    for (const when of whens) {
      const [, pattern, flags] = /resourceExtname =~ \/(.+)\/(\w*)/.exec(when) ?? [];
      const offered = new RegExp(pattern, flags);
      for (const extension of IMAGE_EXTENSIONS) {
        assert.ok(offered.test(`.${extension}`), `${when} offers .${extension}`);
        assert.ok(offered.test(`.${extension.toUpperCase()}`));
      }
      for (const other of ['.svg', '.ico', '.tiff', '.heic', '.txt', '.png.txt', '.mp4'])
        assert.ok(!offered.test(other), `${when}: not ${other}`);
    }
  });
});
