// Part of `npm run lint`: no file in src/ or media/ over 300 lines, and no line over 140
// characters there, whatever the language (ESLint sees only the TypeScript; this also covers the
// webview's stylesheets and HTML). Small files with one job each are what keep the code readable.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const MAX_LINES = 300;
const MAX_COLUMNS = 140;
const root = path.resolve(import.meta.dirname, '..');
const TEXT = /\.(ts|js|mjs|css|html|json)$/;

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (TEXT.test(entry.name)) yield full;
  }
}

const problems = [];
for (const folder of ['src', 'media']) {
  for (const file of files(path.join(root, folder))) {
    const lines = readFileSync(file, 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    const name = path.relative(root, file);
    if (lines.length > MAX_LINES) problems.push(`${name}: ${lines.length} lines; split it (at most ${MAX_LINES}).`);
    lines.forEach((line, index) => {
      if (line.length > MAX_COLUMNS) problems.push(`${name}:${index + 1}: ${line.length} characters (at most ${MAX_COLUMNS}).`);
    });
  }
}
for (const problem of problems) console.error(problem);
if (problems.length > 0) process.exit(1);
console.log(`check-sizes: every file in src/ and media/ within ${MAX_LINES} lines of ${MAX_COLUMNS} characters.`);
