// A job machine as a window of VS Code would run it, in plain Node: the real machine, store,
// leases, client and output, against the simulator over loopback, with the parts VS Code would
// supply (the image, the key, dialogs) scripted. Several such hosts may share one store folder,
// as two windows of a workspace do, and a host can be made to crash: it then writes nothing more
// and leaves its leases behind, as a killed process would.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkImage, DEFAULT_MAX_IMAGE_BYTES } from '../../src/files/imageCheck';
import { readSentCopy } from '../../src/jobs/imageCopies';
import { LocalFolderOutput, NodeFolderOps } from '../../src/files/localOutput';
import { JobRecord } from '../../src/jobs/job';
import { JobStore } from '../../src/jobs/jobStore';
import { LeaseOwner } from '../../src/jobs/lease';
import { JobMachine, NewJob, Question } from '../../src/jobs/machine';
import { OneMinClient } from '../../src/onemin/client';
import type { GenerationOptions } from '../../src/shared/options';
import { catPng, generationOptions, recordingLog } from './fixtures';

export { catPng, sampleVideo } from './fixtures';
export { generationOptions as defaultOptions } from './fixtures';

export interface HostOptions {
  /** The shared store folder (jobs/ and leases/). */
  storeDir: string;
  /** Where the videos go. */
  videoDir: string;
  api: { apiBaseUrl: string; assetBaseUrl: string };
  apiKey?: string;
  hostId: string;
  /** Hosts whose process is gone, as every host sees it. */
  deadHosts: Set<string>;
  /** Answers each question; by default, no. */
  /** The person's answer to a question; a promise while they read it. */
  answer?: (question: Question) => boolean | Promise<boolean>;
  concurrency?: number;
  heartbeatMs?: number;
  staleMs?: number;
  /** Per-request time limits of the client (short in the fault runs, where servers hang). */
  deadlineMs?: number;
}

export interface TestHost {
  machine: JobMachine;
  store: JobStore;
  hostId: string;
  questions: Question[];
  log: string[];
  /** While true, the output folder refuses every write with ENOSPC, as a full disk does. */
  diskFull: boolean;
  /** What was logged, stored or shown: every text a person or a file could see. */
  request(imageName: string, options?: Partial<GenerationOptions>): NewJob;
  /** The process dies now: nothing more is written, its leases stay behind. */
  crash(): void;
  readonly crashed: boolean;
}

export function createHost(options: HostOptions): TestHost {
  const logger = recordingLog();
  const log = logger.lines;
  const owner: LeaseOwner = { hostId: options.hostId, pid: process.pid, hostname: 'test-host' };
  const store = new JobStore({
    dir: options.storeDir,
    log: logger,
    owner,
    lease: {
      heartbeatMs: options.heartbeatMs ?? 50,
      staleMs: options.staleMs ?? 400,
      isAlive: (other) => !options.deadHosts.has(other.hostId),
    },
  });
  const questions: Question[] = [];
  let crashed = false;
  const state = { diskFull: false };
  const machine = new JobMachine({
    store,
    log: logger,
    concurrency: () => options.concurrency ?? 2,
    // The service's limits on the hundredfold clock of these hosts' poll settings (3 s → 30 ms).
    pollLimits: { job: { limit: 20, windowMs: 600 }, shared: { limit: 60, windowMs: 600 } },
    ports: {
      // The file is always the cat; a copy the form made is read as the extension reads it.
      readImage: async (job: JobRecord) =>
        job.sentCopy
          ? readSentCopy(store.copies, job, job.sentCopy, DEFAULT_MAX_IMAGE_BYTES)
          : { bytes: catPng, fileName: job.imageName, mimeType: checkImage(catPng, job.imageName) },
      apiKey: async () => options.apiKey ?? 'sim-key',
      client: (_job, apiKey) => {
        const ms = options.deadlineMs;
        const deadlines = ms ? { uploadMs: ms, featuresMs: ms, resultMs: ms, downloadMs: 2 * ms, downloadStallMs: ms } : undefined;
        return new OneMinClient({
          apiBaseUrl: options.api.apiBaseUrl,
          assetBaseUrl: options.api.assetBaseUrl,
          apiKey,
          log: logger,
          retry: { initialMs: 10, maxMs: 50, maxTotalMs: 2000 },
          random: () => 1,
          deadlines,
        });
      },
      output: (job) => new LocalFolderOutput(options.videoDir, job.imageName, job.id, new FillableDisk(options.videoDir, state)),
      videoUri: (_job, fileName) => pathToFileURL(path.join(options.videoDir, fileName)).toString(),
      confirm: async (question) => {
        questions.push(question);
        return (await options.answer?.(question)) ?? false;
      },
      poll: () => ({ initialMs: 30, factor: 1.5, maxMs: 120, maxWaitMs: 20_000 }),
    },
  });
  const request = (imageName: string, patch: Partial<GenerationOptions> = {}): NewJob => ({
    imageUri: pathToFileURL(path.join(options.videoDir, imageName)).toString(),
    imageName,
    outputFolder: pathToFileURL(options.videoDir).toString(),
    options: { ...generationOptions, ...patch },
  });
  return {
    machine,
    store,
    hostId: options.hostId,
    questions,
    log,
    get crashed() {
      return crashed;
    },
    get diskFull() {
      return state.diskFull;
    },
    set diskFull(full: boolean) {
      state.diskFull = full;
    },
    request,
    crash() {
      if (crashed) return;
      crashed = true;
      options.deadHosts.add(options.hostId);
      // A killed process neither writes nor releases anything; what it was writing does not land.
      store.close();
      store.save = () => Promise.reject(new Error('crashed'));
      store.remove = () => Promise.reject(new Error('crashed'));
      store.leases.releaseAllSync = () => undefined;
      store.leases.release = async () => undefined;
      machine.dispose();
    },
  };
}

/** Node's fs, but every write fails with ENOSPC while the disk is "full". */
class FillableDisk extends NodeFolderOps {
  constructor(
    where: string,
    private readonly state: { diskFull: boolean },
  ) {
    super(where);
  }

  private check(): void {
    if (this.state.diskFull) throw Object.assign(new Error('ENOSPC: no space left on device (simulated)'), { code: 'ENOSPC' });
  }

  override async createExclusive(name: string, bytes: Uint8Array): Promise<void> {
    this.check();
    return super.createExclusive(name, bytes);
  }

  override async rename(from: string, to: string): Promise<void> {
    this.check();
    return super.rename(from, to);
  }

  override async flush(name: string): Promise<void> {
    this.check();
    return super.flush(name);
  }
}

/**
 * For a suite of windows on one workspace: before each test a fresh store folder, video folder
 * and set of dead hosts; after it, every window made in `hosts` crashed and the folders removed.
 */
export function freshWorkspacePerTest(prefix: string): { storeDir: string; videoDir: string; deadHosts: Set<string>; hosts: TestHost[] } {
  const workspace = { storeDir: '', videoDir: '', deadHosts: new Set<string>(), hosts: [] as TestHost[] };
  beforeEach(async () => {
    workspace.storeDir = await fs.mkdtemp(path.join(os.tmpdir(), `${prefix}-store-`));
    workspace.videoDir = await fs.mkdtemp(path.join(os.tmpdir(), `${prefix}-videos-`));
    workspace.deadHosts = new Set();
  });
  afterEach(async () => {
    for (const host of workspace.hosts.splice(0)) host.crash();
    // A crashed window's last writes may still be on their way.
    for (const dir of [workspace.storeDir, workspace.videoDir]) await fs.rm(dir, { recursive: true, force: true, maxRetries: 5 });
  });
  return workspace;
}
