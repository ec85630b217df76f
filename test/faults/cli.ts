// `npm run test:faults -- --runs 20000 [--seed 123] [--workers 4]`: many randomized fault runs,
// with the count and the seed printed; a failure prints fast-check's report (seed, path, shrunk
// case) and exits 1. The runs wait on timers far more than they compute, so they are shared out
// between `--workers` processes (4 by default), each with its own simulator and its own seed (the
// given seed plus its number): 20,000 sequences take about 40 minutes instead of two and a half
// hours. `--seed S --path P` replays the failed run a report names (S is that worker's seed), then
// shrinks it, in this process.
import { fork } from 'node:child_process';
import { Simulator } from '../simulator/simulator';
import { FAULT_KEY, runFaultSequences } from './faultRuns';

function flag(name: string): number | undefined {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : undefined;
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(0);

/** One share of the runs, in this process; progress goes to the parent when there is one. */
async function runShare(runs: number, seed: number | undefined, path: string | undefined): Promise<boolean> {
  const sim = await Simulator.start({ apiKey: FAULT_KEY });
  const started = Date.now();
  try {
    const result = await runFaultSequences(sim, {
      runs,
      seed,
      path,
      onRun: (count) => {
        if (process.send) process.send({ done: 1 });
        else if (count % 100 === 0) console.log(`  ${count} sequences, ${seconds(started)} s`);
      },
    });
    if (!process.send) console.log(`fault runs: ${result.runs} sequences passed every rule (seed ${result.seed}) in ${seconds(started)} s`);
    return true;
  } catch (error) {
    console.error(String((error as Error).message ?? error));
    return false;
  } finally {
    await sim.stop();
  }
}

/** Shares `runs` between `workers` child processes; the first failure stops the rest. */
async function runShared(runs: number, seed: number, workers: number): Promise<boolean> {
  const started = Date.now();
  let done = 0;
  const children = Array.from({ length: workers }, (_, i) => {
    const share = Math.floor(runs / workers) + (i < runs % workers ? 1 : 0);
    console.log(`  worker ${i + 1}: ${share} sequences, seed ${seed + i}`);
    return fork(__filename, ['--runs', String(share), '--seed', String(seed + i), '--workers', '1', '--child']);
  });
  const outcomes = children.map(
    (child) =>
      new Promise<boolean>((resolve) => {
        child.on('message', () => {
          if (++done % 100 === 0) console.log(`  ${done} sequences, ${seconds(started)} s`);
        });
        child.on('exit', (code) => {
          if (code !== 0) for (const other of children) if (other !== child && other.exitCode === null) other.kill();
          resolve(code === 0);
        });
      }),
  );
  const passed = (await Promise.all(outcomes)).every(Boolean);
  if (passed)
    console.log(`fault runs: ${runs} sequences passed every rule (seeds ${seed} to ${seed + workers - 1}) in ${seconds(started)} s`);
  return passed;
}

async function main(): Promise<void> {
  const runs = flag('runs') ?? 1000;
  const pathIndex = process.argv.indexOf('--path');
  const path = pathIndex >= 0 ? process.argv[pathIndex + 1] : undefined;
  const workers = path || process.argv.includes('--child') ? 1 : Math.max(1, Math.min(16, flag('workers') ?? 4, runs));
  const seed = flag('seed') ?? (workers > 1 ? Date.now() % 1_000_000_000 : undefined);
  const passed = workers > 1 && seed !== undefined ? await runShared(runs, seed, workers) : await runShare(runs, seed, path);
  process.exitCode = passed ? 0 : 1;
}

void main();
