// Transfers through the extension's own client, in a process of its own so that its time and
// memory are not mixed with the simulator's or the benchmark's.
//   node scripts/bench-client.mjs worker
//     reads one JSON command a line on stdin ({"op":"upload","api":…,"key":…,"file":…} or
//     {"op":"download","url":…,"dest":…}) and answers {"ms":…} a line: a long-lived, warm
//     process, as the extension host is.
//   node scripts/bench-client.mjs memory URL DEST API KEY UUID
//     one download in a fresh process, after the poll that found the video ready (as in the
//     extension: the HTTP code is loaded and warm by then); answers {"ms":…,"addedRssMb":…}.
//   node scripts/bench-client.mjs memory-plain URL DEST API KEY UUID
//     the same with plain Node (http.get into a file stream) instead of the client: the floor.
import { createWriteStream, readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import { finished, pipeline } from 'node:stream/promises';

const require = createRequire(import.meta.url);
const { OneMinClient } = require(path.resolve(import.meta.dirname, '../out/src/onemin/client.js'));
const clientFor = (api, key) => new OneMinClient({ apiBaseUrl: api, assetBaseUrl: `${api}/`, apiKey: key, retry: { attempts: 1 } });
const [mode, ...args] = process.argv.slice(2);

const images = new Map();

async function run(command) {
  if (command.op === 'upload') {
    // Reading the image is not part of the transfer (the extension reads it before it uploads).
    if (!images.has(command.file)) images.set(command.file, new Uint8Array(readFileSync(command.file)));
    const bytes = images.get(command.file);
    const started = performance.now();
    await clientFor(command.api, command.key).uploadImage(bytes, path.basename(command.file), 'image/png');
    return { ms: performance.now() - started };
  }
  const started = performance.now();
  await clientFor('http://127.0.0.1:9', 'none').download(command.url, command.dest);
  return { ms: performance.now() - started };
}

if (mode === 'worker') {
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (line.trim()) console.log(JSON.stringify(await run(JSON.parse(line))));
  }
} else if (mode === 'memory' || mode === 'memory-plain') {
  const [url, dest, api, key, uuid] = args;
  const plain = mode === 'memory-plain';
  if (plain) await finished((await plainGet(`${api}/api/results/${uuid}`, { 'API-KEY': key })).resume());
  else await clientFor(api, key).getResult(uuid);
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  const started = performance.now();
  // The same 1 MB write buffer as the client's.
  if (plain) await pipeline(await plainGet(url), createWriteStream(dest, { highWaterMark: 1024 * 1024 }));
  else await run({ op: 'download', url, dest });
  const ms = performance.now() - started;
  clearInterval(timer);
  // The process's own high-water mark catches peaks between samples.
  peak = Math.max(peak, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);
  console.log(JSON.stringify({ ms, addedRssMb: (peak - baseline) / (1024 * 1024) }));
} else {
  console.error('usage: bench-client.mjs worker | memory URL DEST API KEY UUID | memory-plain URL DEST API KEY UUID');
  process.exit(2);
}

/** GET with Node's http alone; resolves with the response, its body not read yet. */
function plainGet(url, headers = {}) {
  return new Promise((resolve, reject) => http.get(url, { headers }, resolve).on('error', reject));
}
