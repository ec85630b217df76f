// The demo: the local 1min.ai simulator plus a real VS Code (code-server) with the packaged
// extension installed and pointed at the simulator. Open the printed address in a browser.
// Run through `npm run demo`, which builds and packages first; `npm run demo -- --locale es` shows
// it in Spanish (or zh-cn, ja), with a stand-in language pack (scripts/language-pack.mjs).
import { parseArgs } from 'node:util';
import { startCodeServer, VSIX } from './code-server.mjs';
import { Simulator } from './simulator.mjs';

const DEMO_KEY = 'demo-key';
const { locale } = parseArgs({ options: { locale: { type: 'string' } } }).values;
const port = Number(process.env.PORT ?? 8080);

const sim = await Simulator.start({ apiKey: DEMO_KEY, generationMs: Number(process.env.DEMO_GENERATION_MS ?? 8000), latencyMs: 150 });
sim.onRequestDone((request) => {
  if (request.server === 'api' || request.status !== 200)
    console.log(`  simulator: ${request.method} ${request.path.split('?')[0]} -> ${request.status}`);
});
let server;
try {
  server = await startCodeServer({
    vsix: VSIX,
    settings: { 'lumaVideo.apiBaseUrl': sim.apiBaseUrl, 'lumaVideo.assetBaseUrl': sim.assetBaseUrl },
    port,
    locale,
  });
} catch (error) {
  await sim.stop();
  console.error(`Could not start VS Code on port ${port} (set PORT=… to use another):\n${error.message}`);
  process.exit(1);
}

console.log(`
Luma Image to Video: demo ready.

  1. Open ${server.workspaceUrl()}
  2. In the Explorer, right-click cat.png and choose "Generate Video from Image…".
  3. Type a prompt, press Generate; when asked for the API key, type:  ${DEMO_KEY}
  4. About ${Math.round(sim.options.generationMs / 1000)} s later cat.luma.mp4 appears beside the image and plays in the form.

No real key and no internet needed: the API is a local simulator at ${sim.apiBaseUrl}.
Press Ctrl+C to stop.
`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.stop();
  await sim.stop();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
