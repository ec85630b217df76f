// Makes test/fixtures/images/sample.avif, the committed AVIF the image tests read: a 320×240 gradient
// from the tests' own PNG writer (test/support/imageFiles.ts), encoded by avifenc. Nothing runs this in
// CI; run it by hand only to remake the file, then commit it.
//
// Needs avifenc on the PATH (Debian: `apt-get install libavif-bin`) and the compiled tests
// (`npx tsc -p tsconfig.test.json`). Run: `node scripts/make-avif-fixture.mjs`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { pngBytes } = await import(pathToFileURL(path.join(root, 'out/test/support/imageFiles.js')).href);
const target = path.join(root, 'test/fixtures/images/sample.avif');

const scratch = mkdtempSync(path.join(tmpdir(), 'avif-fixture-'));
try {
  const png = path.join(scratch, 'sample.png');
  writeFileSync(png, pngBytes(320, 240));
  mkdirSync(path.dirname(target), { recursive: true });
  // 8-bit 4:2:0 like most AVIFs from phones and cameras; quantizer 20–30 of 63 (lossy, medium quality).
  execFileSync('avifenc', ['--speed', '6', '--yuv', '420', '--min', '20', '--max', '30', png, target], { stdio: 'inherit' });
  console.log(`make-avif-fixture: wrote ${path.relative(root, target)} (${statSync(target).size} bytes)`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
