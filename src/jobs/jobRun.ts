// One run of a job, step by step: the steps themselves are generation.ts's; here each is
// bracketed by a saved state change (runs.move), so that whatever crashes when, the record says
// how far the job got and whether it may have been paid for. A new generation is saved as
// 'requesting' before its request goes out and with its uuid the moment the service accepts it.
import { l10n } from '../shared/l10n';
import { uiNames } from '../shared/uiNames';
import type { VideoOutput } from '../files/localOutput';
import type { ServiceUuid, VideoRecord } from '../onemin/record';
import { LumaError } from '../util/lumaError';
import {
  currentRecord,
  GenerationClient,
  GenerationRun,
  JobUpdate,
  requestGeneration,
  saveVideo,
  uploadImage,
  waitForVideo,
} from './generation';
import type { JobRecord } from './job';
import { kindOf, likelyRange, type PollSchedule } from './pollSchedule';
import { Phase, settleFailure } from './runOutcome';
import { LeaseLost, Run, Runs } from './runs';

export class JobRunner {
  constructor(private readonly runs: Runs) {}

  /** A new generation: upload, ask (once), wait, save, with the job saved between each. */
  async generate(run: Run): Promise<void> {
    const { job } = run;
    let phase: Phase = 'before';
    try {
      await this.runs.move(run, 'uploading', { error: undefined, remedy: undefined, videoUri: undefined, claimedName: undefined });
      const output = this.runs.ports.output(job);
      // The folder and the names are checked before anything is sent or paid.
      await output.prepare();
      const image = await this.runs.ports.readImage(job);
      this.throwIfCancelled(run);
      const apiKey = await this.runs.ports.apiKey(true);
      if (!apiKey)
        throw new LumaError(
          'auth',
          l10n.t(
            'No 1min.ai API key is set, so nothing was sent. Set one with "{0}" and press Generate again.',
            uiNames.setApiKeyCommand(),
          ),
          { remedy: 'setApiKey' },
        );
      this.throwIfCancelled(run);
      const client = this.runs.ports.client(job, apiKey);
      const steps = this.steps(run, client, output);
      const imagePath = await uploadImage(image, steps);
      this.throwIfCancelled(run);
      // Saved before the request goes out: a crash from here on leaves "may have been charged".
      await this.runs.move(run, 'requesting', { requestedAt: this.runs.now() });
      this.throwIfCancelled(run);
      phase = 'sending';
      let answered!: () => void;
      run.requestOut = new Promise((resolve) => (answered = resolve));
      let record: VideoRecord;
      try {
        record = await requestGeneration(imagePath, job.options, steps, run.betweenAttempts.signal);
      } catch (error) {
        await settleFailure(this.runs, run, phase, error);
        answered();
        return;
      }
      phase = 'paid';
      try {
        await this.accept(run, record.uuid);
      } finally {
        answered();
      }
      if (run.cancelRequested) {
        await this.runs.move(run, 'stopped', {
          error: l10n.t(
            'Cancelled after 1min.ai had accepted the request (id {0}), so it is paid for. The job is ' +
              'kept: press Fetch Video to get it without paying again.',
            record.uuid,
          ),
        });
        return;
      }
      await this.finish(run, client, output, record, this.runs.now());
    } catch (error) {
      await settleFailure(this.runs, run, phase, error);
    }
  }

  /**
   * Saves the uuid of an accepted generation. If another window took the job over while the
   * request was out, the uuid is still worth saving: take the lease back if it is free.
   */
  private async accept(run: Run, uuid: ServiceUuid): Promise<void> {
    const patch: Partial<JobRecord> = { uuid, acceptedAt: this.runs.now(), error: undefined, remedy: undefined };
    try {
      await this.runs.move(run, 'generating', patch);
    } catch (error) {
      if (!(error instanceof LeaseLost) || !(await this.runs.store.leases.acquire(run.job.id))) {
        this.runs.log.error(
          `1min.ai accepted the generation ${uuid} for ${run.job.imageName}, but this window could not save it: ${String(error)}. ` +
            'It is in your 1min.ai history.',
        );
        throw error;
      }
      const current = this.runs.store.get(run.job.id) ?? run.job;
      Object.assign(run.job, current);
      await this.runs.saveAndNotify(run, { ...patch, state: 'generating' });
    }
  }

  /** Waits for a paid video and saves it: shared by a new generation and a fetch. */
  private async finish(run: Run, client: GenerationClient, output: VideoOutput, first: VideoRecord, since: number): Promise<void> {
    const steps = this.steps(run, client, output);
    // Only a video still being made is planned for (one already done is downloaded at once).
    if (first.state === 'pending') steps.schedule = await this.schedule(run, since);
    let record;
    try {
      record = await waitForVideo(first, steps, since);
    } finally {
      this.runs.pollBudget.forget(run.job.id);
    }
    await this.runs.move(run, 'downloading');
    let result;
    try {
      result = await saveVideo(record, steps);
    } catch (error) {
      const { claimedName, claimedBytes } = run.job;
      if (claimedName && !this.runs.disposed && !(error instanceof LeaseLost)) {
        // A move reported as failed may still have happened (some remote file systems): then the
        // video is in place. Otherwise the save undid its claim, and the name is no longer this job's.
        const placed = await output.recover(claimedName, claimedBytes).catch(() => undefined);
        if (placed) {
          await this.runs.move(run, 'done', {
            videoUri: this.runs.ports.videoUri(run.job, placed),
            claimedName: undefined,
            claimedBytes: undefined,
            error: undefined,
            remedy: undefined,
          });
          return;
        }
        await this.runs.saveAndNotify(run, { claimedName: undefined, claimedBytes: undefined }).catch(() => undefined);
      }
      throw error;
    }
    await this.runs.move(run, 'done', {
      videoUri: this.runs.ports.videoUri(run.job, result.videoName),
      claimedName: undefined,
      claimedBytes: undefined,
      error: undefined,
      remedy: undefined,
    });
  }

  /**
   * The job's polling plan, from the generation times of its kind. A history that cannot be read
   * within a second (or at all) gives no plan: the back-off of before.
   */
  private async schedule(run: Run, since: number): Promise<PollSchedule> {
    const kind = kindOf(run.job.options);
    const history = await this.runs.history.readWithin(1000, run.abort.signal);
    // A clock set back since the job was accepted must not put its acceptance in the future.
    const stored = run.job.acceptedAt === undefined ? undefined : Math.min(run.job.acceptedAt, this.runs.now());
    const acceptedAt = stored ?? since;
    const range = likelyRange(history, kind);
    // The form, the view and the status bar count "about 40 s left" from this on their own clocks.
    if (range && run.job.state === 'generating') {
      run.live.expected = { acceptedAt, durations: range.durations };
      this.runs.notify(run.job.id);
    }
    return {
      jobId: run.job.id,
      acceptedAt,
      range,
      budget: this.runs.pollBudget,
      // A job accepted before acceptance times were kept counts from its fetch: too short to learn from.
      onGenerated: stored === undefined ? undefined : (ms) => void this.runs.history.add(run.job.id, { kind, ms, at: this.runs.now() }),
    };
  }

  private steps(run: Run, client: GenerationClient, output: VideoOutput): GenerationRun {
    return {
      client,
      output,
      log: this.runs.log,
      poll: this.runs.ports.poll(run.job),
      signal: run.abort.signal,
      now: this.runs.now,
      onUpdate: (update: JobUpdate) => {
        if (update.stage === 'downloading') {
          run.live.progress = update.progress;
          this.runs.notify(run.job.id);
        }
      },
      // The journal: the name (and the size of what goes there) is on record before the video moves.
      onClaimed: (name: string, bytes: number) => this.runs.saveAndNotify(run, { claimedName: name, claimedBytes: bytes }),
    };
  }

  private throwIfCancelled(run: Run): void {
    if (run.cancelRequested || run.abort.signal.aborted) throw new LumaError('cancelled', 'Cancelled.');
  }

  /**
   * A job the service already accepted: its video is waited for and saved without asking (or
   * paying) again. `ask`: whether a missing key is asked for.
   */
  async fetchPaid(run: Run, ask: boolean): Promise<void> {
    const { job } = run;
    try {
      const since = this.runs.now();
      await this.runs.move(run, 'generating', { error: undefined, remedy: undefined });
      const output = this.runs.ports.output(job);
      await output.prepare();
      // A save a crash interrupted: the video may already be in place under the claimed name.
      const placed = await output.recover(run.job.claimedName, run.job.claimedBytes);
      if (placed) {
        this.runs.log.info(`${job.imageName}: the video was already saved as ${placed} before the interruption.`);
        await this.runs.move(run, 'done', {
          videoUri: this.runs.ports.videoUri(run.job, placed),
          claimedName: undefined,
          claimedBytes: undefined,
        });
        return;
      }
      if (run.job.claimedName) await this.runs.saveAndNotify(run, { claimedName: undefined, claimedBytes: undefined });
      const apiKey = await this.runs.ports.apiKey(ask);
      if (!apiKey)
        throw new LumaError(
          'auth',
          l10n.t(
            'No 1min.ai API key is set, so the paid video could not be fetched. Set one with "{0}", then press Fetch Video.',
            uiNames.setApiKeyCommand(),
          ),
          { remedy: 'setApiKey', saysMoney: true },
        );
      this.throwIfCancelled(run);
      const client = this.runs.ports.client(job, apiKey);
      this.runs.log.info(`Fetching ${job.uuid} for ${job.imageName}.`);
      await this.finish(run, client, output, await currentRecord(job.uuid!, this.steps(run, client, output)), since);
    } catch (error) {
      await settleFailure(this.runs, run, 'paid', error);
    }
  }
}
