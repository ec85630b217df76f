// One transfer through the extension's own client, in a process of its own so its time and
// memory are not mixed with the simulator's or the benchmark's. Prints one JSON line.
//   node scripts/bench-client.mjs upload API_BASE KEY FILE
//   node scripts/bench-client.mjs download URL DEST
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { OneMinClient } = require(path.resolve(import.meta.dirname, '../out/src/onemin/client.js'));
const [operation, ...args] = process.argv.slice(2);

let peak = 0;
const sample = () => (peak = Math.max(peak, process.memoryUsage.rss()));
if (operation === 'upload') {
  const [apiBaseUrl, apiKey, file] = args;
  const client = new OneMinClient({ apiBaseUrl, assetBaseUrl: `${apiBaseUrl}/`, apiKey, retry: { attempts: 1 } });
  const bytes = new Uint8Array(readFileSync(file));
  const started = performance.now();
  await client.uploadImage(bytes, path.basename(file), 'image/png');
  console.log(JSON.stringify({ ms: performance.now() - started }));
} else if (operation === 'download') {
  const [url, dest] = args;
  const client = new OneMinClient({ apiBaseUrl: 'http://127.0.0.1:9', assetBaseUrl: 'http://127.0.0.1:9/', apiKey: 'none', retry: { attempts: 1 } });
  global.gc?.();
  const baseline = process.memoryUsage.rss();
  const timer = setInterval(sample, 5);
  const started = performance.now();
  await client.download(url, dest);
  const ms = performance.now() - started;
  clearInterval(timer);
  sample();
  // The process's own high-water mark catches peaks between samples.
  peak = Math.max(peak, process.resourceUsage().maxRSS * 1024);
  console.log(JSON.stringify({ ms, addedRssMb: (peak - baseline) / (1024 * 1024) }));
} else {
  console.error('usage: bench-client.mjs upload API_BASE KEY FILE | download URL DEST');
  process.exit(2);
}
