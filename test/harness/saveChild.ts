// One start of a job, in a process of its own so that a test can kill it at any moment: recover
// what the last start left (the claim last written to the journal file), else prepare, download
// the video from the simulator and commit it, appending the claimed name to the journal.
//
// Argument: JSON { folder, url, journal, killAfterStep?, noLink? }. Prints "downloading" when the
// download starts, "placing" when the commit starts, and one JSON line at the end: { saved,
// recovered?, steps }. With killAfterStep, the process SIGKILLs itself right after that step (a
// file operation of the save, or the journal write) has completed.
import { appendFileSync, existsSync, promises as fs, readFileSync } from 'node:fs';
import nodeFs from 'node:fs';
import { LocalFolderOutput, NodeFolderOps } from '../../src/files/localOutput';
import { OneMinClient } from '../../src/onemin/client';
import { IMAGE, JOB } from './saveWorld';
import { stepped } from './steppedOps';

export interface ChildInput {
  folder: string;
  url: string;
  journal: string;
  killAfterStep?: number;
  /** Makes every hard link fail, as on FAT and exFAT. */
  noLink?: boolean;
}

export interface ChildOutput {
  saved: string;
  recovered?: string;
  steps: string[];
}

async function main(input: ChildInput): Promise<void> {
  if (input.noLink) {
    const refuse = () => {
      throw Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM' });
    };
    fs.link = async () => refuse();
    Object.assign(nodeFs, { link: refuse, linkSync: refuse });
  }
  const stepper = stepped(new NodeFolderOps(input.folder), (step) => {
    if (step === input.killAfterStep) process.kill(process.pid, 'SIGKILL');
  });
  const output = new LocalFolderOutput(input.folder, IMAGE, JOB, stepper.ops);
  const journal = existsSync(input.journal) ? readFileSync(input.journal, 'utf8').split('\n').filter(Boolean) : [];
  const recovered = await output.recover(journal.at(-1));
  if (recovered) return report({ saved: recovered, recovered, steps: stepper.steps });
  await output.prepare();
  const temp = await output.tempPath();
  const silent = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  // The key never goes to the storage host; this client only downloads.
  const client = new OneMinClient({
    apiBaseUrl: 'http://127.0.0.1:9',
    assetBaseUrl: new URL('/', input.url).toString(),
    apiKey: 'not-used-for-downloads',
    log: silent,
  });
  process.stdout.write('downloading\n'); // the parent times its random kills from here
  await client.download(input.url, temp);
  process.stdout.write('placing\n');
  const saved = await output.commit(
    temp,
    stepper.journal((name) => appendFileSync(input.journal, `${name}\n`)),
  );
  report({ saved, steps: stepper.steps });
}

function report(result: ChildOutput): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main(JSON.parse(process.argv[2]) as ChildInput).catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.stack ?? error}\n`);
  process.exit(1);
});
