// Starting new jobs, and the "generate again?" question: one run at a time per image (here or in
// any window), and a new paid request for an image whose last one may already be paid for only
// after the person confirms. The question is asked before the image's lock is taken, since it may
// stay open for minutes; what changed meanwhile is looked at again under the lock.
import { l10n } from '../shared/l10n';
import { createHash, randomUUID } from 'node:crypto';
import { LumaError } from '../util/lumaError';
import { chargeIsOpen, JobRecord } from './job';
import { isUnfinished } from './jobStatus';
import type { JobQueue } from './queue';
import { generateAgainQuestion, Worry } from './questions';
import type { Recovery } from './recovery';
import type { NewJob, Runs } from './runs';

export class JobStarter {
  /** Images with a "generate again?" question open, so a second Generate does not ask twice. */
  private readonly asking = new Set<string>();

  constructor(
    private readonly runs: Runs,
    private readonly queue: JobQueue,
    private readonly windows: Recovery,
  ) {}

  /**
   * Queues a generation per image. When the last attempt for one of them may have been charged
   * without a video, or its paid video is not fetched yet, asks first; declined, nothing starts
   * and this resolves to [].
   */
  async start(requests: NewJob[], batchId?: string): Promise<JobRecord[]> {
    if (this.runs.stopping || requests.some((request) => this.asking.has(request.imageUri))) return [];
    // What other windows did a moment ago counts: a job of one of these images may run there.
    await this.windows.lookAround();
    this.refuseBusy(requests.map((request) => request.imageUri));
    // The question comes before the lock below: it may stay open for minutes.
    const asked = new Set<string>();
    const worries = requests.map((request) => ({ request, worry: this.lastAttemptWorry(request.imageUri) })).filter((entry) => entry.worry);
    if (worries.length > 0) {
      for (const request of requests) this.asking.add(request.imageUri);
      let confirmed: boolean;
      try {
        confirmed = await this.runs.ports.confirm(
          generateAgainQuestion(
            worries.map((entry) => ({ imageName: entry.request.imageName, worry: entry.worry! })),
            requests.length,
          ),
        );
      } finally {
        for (const request of requests) this.asking.delete(request.imageUri);
      }
      if (!confirmed) {
        const names = worries.map((entry) => entry.request.imageName).join(', ');
        this.runs.log.info(`Generate declined: the last attempt for ${names} may already be paid for.`);
        return [];
      }
      for (const entry of worries) asked.add(entry.request.imageUri);
    }
    return this.withImagesLocked(requests, async () => {
      // Again, now that no other window can start one of these: what changed while asking?
      await this.windows.lookAround();
      this.refuseBusy(requests.map((request) => request.imageUri));
      const unasked = requests.filter((request) => !asked.has(request.imageUri) && this.lastAttemptWorry(request.imageUri));
      if (unasked.length > 0)
        throw new LumaError(
          'input',
          l10n.t(
            'Another window has just generated a video of {0}. Look at it first, then press Generate ' + 'again if you want another.',
            unasked.map((request) => request.imageName).join(', '),
          ),
        );
      return this.queueNew(requests, batchId);
    });
  }

  /**
   * Runs `decide` while this window alone may start jobs for these images: two windows pressing
   * Generate for one image at the same instant would otherwise both see it idle.
   */
  async withImagesLocked<T>(images: { imageUri: string; imageName: string }[], decide: () => Promise<T[]>): Promise<T[]> {
    const locks = [...new Map(images.map((image) => [imageLockId(image.imageUri), image.imageName])).entries()].sort(([a], [b]) =>
      a.localeCompare(b),
    );
    const held: string[] = [];
    try {
      for (const [lock, imageName] of locks) {
        let taken: boolean;
        try {
          taken = await this.runs.store.leases.acquire(lock);
        } catch (error) {
          throw storageError(error, imageName);
        }
        if (!taken)
          throw new LumaError(
            'input',
            l10n.t(
              '{0} is being started in another window (or this one) right now. Wait a moment, then press ' +
                'Generate again if it did not start.',
              imageName,
            ),
          );
        held.push(lock);
      }
      return await decide();
    } finally {
      for (const lock of held) await this.runs.store.leases.release(lock).catch(() => undefined);
    }
  }

  /** A job of one of these images is queued or running, here or in another window: say so. */
  private refuseBusy(imageUris: string[]): void {
    const busy = this.busyJobsOf(imageUris);
    if (busy.length === 0) return;
    const names = [...new Set(busy.map((job) => job.imageName))].join(', ');
    const message = busy.some((job) => this.runs.elsewhere.has(job.id))
      ? l10n.t('A video of {0} is already being generated in another window. Wait for it, or cancel it first.', names)
      : l10n.t('A video of {0} is already being generated. Wait for it, or cancel it first.', names);
    throw new LumaError('input', message);
  }

  private async queueNew(requests: NewJob[], batchId: string | undefined): Promise<JobRecord[]> {
    const jobs = requests.map((request) => this.newJob(request, requests.length > 1 ? batchId : undefined));
    // Every copy of the batch first, before any job is kept: a copy that cannot be written (a full
    // disk) refuses the whole Generate, not the images after some of the batch already started.
    try {
      for (const [i, { prepared }] of requests.entries()) if (prepared) await this.runs.store.copies.put(jobs[i].id, prepared.bytes);
    } catch (error) {
      for (const job of jobs) await this.runs.store.copies.remove(job.id).catch(() => undefined);
      throw storageError(error, requests.map((request) => request.imageName).join(', '));
    }
    // Every job kept before any is queued: a save that fails refuses the whole Generate, and none
    // of the batch has started (not kept means not sent: a job the list does not hold could be paid
    // for and forgotten).
    for (const [i, job] of jobs.entries()) {
      try {
        await this.runs.store.leases.acquire(job.id);
        await this.runs.store.save(job);
      } catch (error) {
        for (const kept of jobs.slice(0, i + 1)) await this.runs.store.leases.release(kept.id).catch(() => undefined);
        for (const unsent of jobs) await this.runs.store.remove(unsent.id).catch(() => undefined);
        throw storageError(error, requests.map((request) => request.imageName).join(', '));
      }
    }
    for (const job of jobs) this.queue.add(job, true);
    this.queue.startWhileSlotsFree();
    // What a crash left between a copy and its job (rarely anything): gone, off the path that starts.
    void this.runs.store.sweepCopies().catch(() => undefined);
    return jobs;
  }

  private newJob(request: NewJob, batchId: string | undefined): JobRecord {
    const now = this.runs.now();
    const job: JobRecord = {
      id: randomUUID(),
      imageUri: request.imageUri,
      imageName: request.imageName,
      outputFolder: request.outputFolder,
      options: { ...request.options },
      state: 'queued',
      createdAt: now,
      updatedAt: now,
    };
    if (batchId) job.batchId = batchId;
    const { prepared } = request;
    if (prepared)
      job.sentCopy = { mimeType: prepared.mimeType, width: prepared.width, height: prepared.height, bytes: prepared.bytes.byteLength };
    return job;
  }

  /** One run at a time per image: a job of it is queued or running, here or in another window. */
  imageIsBusy(imageUri: string): boolean {
    return this.busyJobsOf([imageUri]).length > 0;
  }

  private busyJobsOf(imageUris: readonly string[]): JobRecord[] {
    return this.runs.store.all().filter((job) => imageUris.includes(job.imageUri) && (this.runs.isRunning(job.id) || isUnfinished(job)));
  }

  /**
   * Why a new generation for this image should ask first: the newest attempt that reached the
   * service may have been charged without a video ('open'), or its paid video is not saved yet
   * ('paid', and Fetch Video would get it for free).
   */
  lastAttemptWorry(imageUri: string): Worry | undefined {
    for (const job of this.runs.store.all()) {
      if (job.imageUri !== imageUri) continue;
      if (chargeIsOpen(job)) return 'open';
      if (job.uuid && job.state !== 'done') return 'paid';
      if (job.requestedAt !== undefined || job.uuid || job.state === 'done') return undefined;
      // Never reached the service (failed or cancelled before it): look at the attempt before.
    }
    return undefined;
  }
}

/** The job list (or its leases) could not be written: nothing was sent, and the person is told why. */
function storageError(error: unknown, imageName: string): LumaError {
  const code = (error as NodeJS.ErrnoException)?.code ?? (error as Error)?.message;
  return new LumaError(
    'disk',
    l10n.t(
      "Could not keep the job list in VS Code's storage ({0}), so nothing was sent for {1}. Free " +
        'some disk space, then press Generate again.',
      code,
      imageName,
    ),
    { detail: String(error) },
  );
}

/** The name of the short lease a window holds on an image while it decides to start a job for it. */
function imageLockId(imageUri: string): string {
  return `image-${createHash('sha256').update(imageUri).digest('hex').slice(0, 32)}`;
}
