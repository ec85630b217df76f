// `npm run test:faults -- --runs 20000 [--seed 123]`: many randomized fault runs, with the count
// and the seed printed; a failure prints fast-check's report (seed, path, shrunk case) and exits 1.
// `--seed S --path P` replays the failed run that report names, then shrinks it.
import { Simulator } from '../simulator/simulator';
import { FAULT_KEY, runFaultSequences } from './faultRuns';

function flag(name: string): number | undefined {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : undefined;
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

async function main(): Promise<void> {
  const runs = flag('runs') ?? 1000;
  const seed = flag('seed');
  const pathIndex = process.argv.indexOf('--path');
  const path = pathIndex >= 0 ? process.argv[pathIndex + 1] : undefined;
  const sim = await Simulator.start({ apiKey: FAULT_KEY });
  const started = Date.now();
  try {
    const result = await runFaultSequences(sim, {
      runs,
      seed,
      path,
      onRun: (count) => {
        if (count % 100 === 0) console.log(`  ${count} sequences, ${((Date.now() - started) / 1000).toFixed(0)} s`);
      },
    });
    console.log(
      `fault runs: ${result.runs} sequences passed every rule (seed ${result.seed}) in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
  } catch (error) {
    console.error(String((error as Error).message ?? error));
    process.exitCode = 1;
  } finally {
    await sim.stop();
  }
}

void main();
