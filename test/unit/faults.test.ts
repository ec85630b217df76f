// The randomized fault runs (test/faults), a bounded number of them in every test run, from a
// fixed seed; `npm run test:faults -- --runs 20000` runs many more from new seeds. FAULT_RUNS and
// FAULT_SEED override.
import { Simulator } from '../simulator/simulator';
import { FAULT_KEY, runFaultSequences } from '../faults/faultRuns';

const RUNS = Number(process.env.FAULT_RUNS ?? 300);
// A fixed seed here, so a test run is repeatable; `npm run test:faults` explores new ones.
const SEED = Number(process.env.FAULT_SEED ?? 20261126);

describe('randomized fault runs', function () {
  this.timeout(0);
  let sim: Simulator;
  before(async () => {
    sim = await Simulator.start({ apiKey: FAULT_KEY });
  });
  after(() => sim.stop());

  it(`${RUNS} random sequences of faults, actions, crashes and a second window keep every money and file rule`, async () => {
    const { seed } = await runFaultSequences(sim, { runs: RUNS, seed: SEED });
    console.log(`      (${RUNS} sequences, seed ${seed})`);
  });
});
