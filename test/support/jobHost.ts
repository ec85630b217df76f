// A job machine as a window of VS Code would run it, in plain Node: the real machine, store,
// leases, client and output, against the simulator over loopback, with the parts VS Code would
// supply (the image, the key, dialogs) scripted. Several such hosts may share one store folder,
// as two windows of a workspace do, and a host can be made to crash: it then writes nothing more
// and leaves its leases behind, as a killed process would.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkImage } from '../../src/files/imageCheck';
import { LocalFolderOutput } from '../../src/files/localOutput';
import { JobRecord } from '../../src/jobs/job';
import { JobStore } from '../../src/jobs/jobStore';
import { LeaseOwner } from '../../src/jobs/lease';
import { JobMachine, NewJob, Question } from '../../src/jobs/machine';
import { OneMinClient } from '../../src/onemin/client';
import type { GenerationOptions } from '../../src/protocol';
import type { Logger } from '../../src/util/log';

const root = path.resolve(__dirname, '../../..');
export const catPng = new Uint8Array(readFileSync(path.join(root, 'test/fixtures/workspace/cat.png')));
export const sampleVideo = readFileSync(path.join(root, 'test/simulator/sample.mp4'));

export const defaultOptions: GenerationOptions = { prompt: 'the camera slowly zooms in', length: 5, enhancePrompt: true, modelName: 'ray-v2', aspectRatio: '', resolution: '', loop: false };

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
  answer?: (question: Question) => boolean;
  concurrency?: number;
  heartbeatMs?: number;
  staleMs?: number;
}

export interface TestHost {
  machine: JobMachine;
  store: JobStore;
  hostId: string;
  questions: Question[];
  log: string[];
  /** What was logged, stored or shown: every text a person or a file could see. */
  request(imageName: string, options?: Partial<GenerationOptions>): NewJob;
  /** The process dies now: nothing more is written, its leases stay behind. */
  crash(): void;
}

export function createHost(options: HostOptions): TestHost {
  const log: string[] = [];
  const push = (level: string) => (message: string) => void log.push(`${level} ${message}`);
  const logger: Logger = { trace: push('trace'), debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
  const owner: LeaseOwner = { hostId: options.hostId, pid: process.pid, hostname: 'test-host' };
  const store = new JobStore({
    dir: options.storeDir,
    log: logger,
    owner,
    lease: { heartbeatMs: options.heartbeatMs ?? 50, staleMs: options.staleMs ?? 400, isAlive: (other) => !options.deadHosts.has(other.hostId) },
  });
  const questions: Question[] = [];
  let crashed = false;
  const machine = new JobMachine({
    store,
    log: logger,
    concurrency: () => options.concurrency ?? 2,
    ports: {
      readImage: async (job: JobRecord) => ({ bytes: catPng, fileName: job.imageName, mimeType: checkImage(catPng, job.imageName) }),
      apiKey: async () => options.apiKey ?? 'sim-key',
      client: (_job, apiKey) => new OneMinClient({ apiBaseUrl: options.api.apiBaseUrl, assetBaseUrl: options.api.assetBaseUrl, apiKey, log: logger, retry: { initialMs: 10, maxMs: 50, maxTotalMs: 2000 }, random: () => 1 }),
      output: (job) => new LocalFolderOutput(options.videoDir, job.imageName, job.id),
      videoUri: (_job, fileName) => pathToFileURL(path.join(options.videoDir, fileName)).toString(),
      confirm: async (question) => {
        questions.push(question);
        return options.answer?.(question) ?? false;
      },
      poll: () => ({ initialMs: 30, factor: 1.5, maxMs: 120, maxWaitMs: 20_000 }),
    },
  });
  const request = (imageName: string, patch: Partial<GenerationOptions> = {}): NewJob => ({
    imageUri: pathToFileURL(path.join(options.videoDir, imageName)).toString(),
    imageName,
    outputFolder: pathToFileURL(options.videoDir).toString(),
    options: { ...defaultOptions, ...patch },
  });
  return {
    machine,
    store,
    hostId: options.hostId,
    questions,
    log,
    request,
    crash() {
      if (crashed) return;
      crashed = true;
      options.deadHosts.add(options.hostId);
      // A killed process neither writes nor releases anything.
      store.save = () => Promise.reject(new Error('crashed'));
      store.remove = () => Promise.reject(new Error('crashed'));
      store.leases.releaseAllSync = () => undefined;
      store.leases.release = async () => undefined;
      machine.dispose();
    },
  };
}
