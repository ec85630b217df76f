// Runs the simulator as a process for the demo and for manual tries:
//   node out/test/simulator/cli.js [--port N] [--storage-port N] [--latency MS] [--generation MS] [--key K] [--video-size BYTES] [--forget-uploads] [--quiet]
// Prints one JSON line with the addresses and key on stdout (so a parent process can read it),
// logs requests to stderr, and stops on SIGINT/SIGTERM.

import { Simulator, type SimulatorOptions } from './simulator';

const USAGE =
  'usage: cli.js [--port N] [--storage-port N] [--latency MS] [--generation MS] [--key K] [--video-size BYTES] [--forget-uploads] [--quiet]';

/** --quiet: no request log (benchmarks). --forget-uploads: keepUploads false (benchmarks). */
let quiet = false;

function parseArgs(argv: string[]): SimulatorOptions {
  const options: SimulatorOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    // Flags that take no value.
    const toggle = { '--quiet': () => (quiet = true), '--forget-uploads': () => (options.keepUploads = false) }[flag];
    if (toggle) {
      toggle();
      continue;
    }
    const value = argv[i + 1];
    if (flag === '--help' || flag === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    if (value === undefined) throw new Error(`${flag} needs a value`);
    const number = () => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a whole number >= 0, got ${value}`);
      return n;
    };
    switch (flag) {
      case '--port':
        options.port = number();
        break;
      case '--storage-port':
        options.storagePort = number();
        break;
      case '--latency':
        options.latencyMs = number();
        break;
      case '--generation':
        options.generationMs = number();
        break;
      case '--key':
        options.apiKey = value;
        break;
      case '--video-size':
        options.videoSizeBytes = number();
        break;
      default:
        throw new Error(`unknown option ${flag}`);
    }
    i++;
  }
  return options;
}

async function main(): Promise<void> {
  let options: SimulatorOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  // Handlers first: a signal that arrives while starting must still end the process cleanly.
  let sim: Simulator | undefined;
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    (sim ? sim.stop() : Promise.resolve()).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  sim = await Simulator.start(options);
  // Method, path (no query: presigned links are long) and status only; never header values.
  if (!quiet)
    sim.onRequestDone((r) => {
      const status = r.status === 0 ? 'no answer' : String(r.status);
      process.stderr.write(`[sim ${r.server}] ${r.method} ${r.path.split('?')[0]} -> ${status}\n`);
    });
  process.stdout.write(`${JSON.stringify({ apiBaseUrl: sim.apiBaseUrl, assetBaseUrl: sim.assetBaseUrl, apiKey: sim.options.apiKey })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`simulator failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
