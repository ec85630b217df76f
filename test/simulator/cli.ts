// Runs the simulator as a process for the demo, the benchmark and manual tries:
//   node out/test/simulator/cli.js [options]     (--help lists them)
// Prints one JSON line with the addresses and key on stdout (so a parent process can read it),
// logs requests to stderr, and stops on SIGINT/SIGTERM.

import { parseArgs } from 'node:util';
import { Simulator, type SimulatorOptions } from './simulator';

/** Every option: what it sets, its value's name (none for a switch), and its line in --help. */
const FLAGS = [
  { flag: 'port', value: 'N', option: 'port', help: 'API port (default 0: a free one)' },
  { flag: 'storage-port', value: 'N', option: 'storagePort', help: 'storage host port, for video downloads (default 0: a free one)' },
  { flag: 'latency', value: 'MS', option: 'latencyMs', help: 'delay added before every API answer (default 0)' },
  { flag: 'generation', value: 'MS', option: 'generationMs', help: 'time from an accepted generation to SUCCESS (default 1500)' },
  { flag: 'key', value: 'K', option: 'apiKey', help: 'the only API key accepted (default sim-key)' },
  { flag: 'video-size', value: 'BYTES', option: 'videoSizeBytes', help: 'serve a generated video of this size instead of sample.mp4' },
  { flag: 'forget-uploads', help: "keep no uploaded image's bytes, so storage cannot serve them back (benchmarks)" },
  { flag: 'quiet', help: 'no request log on stderr (benchmarks)' },
  { flag: 'help', short: 'h', help: 'print this help and exit' },
] as const satisfies readonly { flag: string; value?: string; option?: keyof SimulatorOptions; short?: string; help: string }[];

function usage(): string {
  const lines = FLAGS.map((f) => {
    const name = `${'short' in f ? `-${f.short}, ` : ''}--${f.flag}${'value' in f ? ` ${f.value}` : ''}`;
    return `  ${name.padEnd(22)}${f.help}`;
  });
  return [
    'usage: cli.js [options]',
    '',
    'Runs the local 1min.ai simulator (the API and its storage host) until SIGINT or SIGTERM. Prints one JSON',
    'line {apiBaseUrl, assetBaseUrl, apiKey} on stdout, and each request it answers on stderr.',
    '',
    'options:',
    ...lines,
  ].join('\n');
}

interface Parsed {
  options: SimulatorOptions;
  /** --quiet: no request log. */
  quiet: boolean;
  help: boolean;
}

/** The command line as simulator options; throws with a message on anything it does not take. */
function parse(args: string[]): Parsed {
  const config = Object.fromEntries(
    FLAGS.map((f) => [f.flag, { type: 'value' in f ? 'string' : 'boolean', ...('short' in f ? { short: f.short } : {}) }] as const),
  );
  const { values } = parseArgs({ args, options: config, strict: true, allowPositionals: false });
  const options: SimulatorOptions = {};
  for (const f of FLAGS) {
    const given = values[f.flag];
    if (!('option' in f) || typeof given !== 'string') continue;
    if (f.option === 'apiKey') {
      options.apiKey = given;
      continue;
    }
    const n = Number(given);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${f.flag} needs a whole number >= 0, got ${given}`);
    options[f.option] = n;
  }
  if (values['forget-uploads'] === true) options.keepUploads = false;
  return { options, quiet: values.quiet === true, help: values.help === true };
}

async function main(): Promise<void> {
  let parsed: Parsed;
  try {
    parsed = parse(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage()}\n`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(`${usage()}\n`);
    process.exit(0);
  }
  // Handlers first: a signal that arrives while starting must still end the process cleanly.
  const state: { sim?: Simulator; stopping?: boolean } = {};
  const stop = () => {
    if (state.stopping) return;
    state.stopping = true;
    (state.sim ? state.sim.stop() : Promise.resolve()).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const sim = await Simulator.start(parsed.options);
  state.sim = sim;
  // Method, path (no query: presigned links are long) and status only; never header values.
  if (!parsed.quiet)
    sim.onRequestDone((r) => {
      const status = r.status === 0 ? 'no answer' : String(r.status);
      process.stderr.write(`[sim ${r.server}] ${r.method} ${r.path.split('?')[0]} -> ${status}\n`);
    });
  const ready = { apiBaseUrl: sim.apiBaseUrl, assetBaseUrl: sim.assetBaseUrl, apiKey: sim.options.apiKey };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`simulator failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
