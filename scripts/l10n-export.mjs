// Writes l10n/bundle.l10n.json: every text the extension and the form show, as the first argument
// of an `l10n.t(...)` / `vscode.l10n.t(...)` call under src/ and media/ (a string literal, or
// literals joined with +). Translators copy it to bundle.l10n.<language>.json. `--check` writes
// nothing and fails when the file is out of date; test/unit/l10n.test.ts runs the same collector.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
export const BUNDLE = path.join(root, 'l10n', 'bundle.l10n.json');

/** One JS string literal ('…', "…" or `…` without ${}) at the start of `text`: its value and length. */
function literal(text) {
  const quote = text[0];
  if (!`'"\``.includes(quote)) return undefined;
  let value = '';
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (c === quote) return { value, length: i + 1 };
    if (quote === '`' && c === '$' && text[i + 1] === '{') throw new Error(`l10n.t with a template: ${text.slice(0, 80)}`);
    if (c !== '\\') {
      value += c;
      continue;
    }
    const next = text[++i];
    const simple = { n: '\n', t: '\t', r: '\r', 0: '\0' };
    if (next === 'u') {
      const hex = text[i + 1] === '{' ? text.slice(i + 2, text.indexOf('}', i)) : text.slice(i + 1, i + 5);
      value += String.fromCodePoint(parseInt(hex, 16));
      i += text[i + 1] === '{' ? hex.length + 2 : 4;
    } else value += simple[next] ?? next;
  }
  throw new Error(`unterminated string: ${text.slice(0, 80)}`);
}

/** The messages of one source file, in order. A call whose first argument is not a literal is an error. */
export function messagesOf(source, file = '') {
  const found = [];
  const call = /\bl10n\.t\(\s*/g;
  for (let match; (match = call.exec(source));) {
    const line = source.slice(source.lastIndexOf('\n', match.index) + 1, match.index);
    if (/^\s*(\*|\/\/|\/\*)|\/\/ /.test(line)) continue; // in a comment
    let rest = source.slice(match.index + match[0].length);
    if (/^message\b/.test(rest)) continue; // a translator handing its argument on (src/host/l10n.ts, media/main.ts)
    let first = literal(rest);
    if (!first) throw new Error(`${file}: l10n.t without a string literal: ${rest.slice(0, 60)}`);
    let message = '';
    for (;;) {
      message += first.value;
      rest = rest.slice(first.length);
      const plus = /^\s*\+\s*/.exec(rest);
      if (!plus || !(first = literal(rest.slice(plus[0].length)))) break;
      rest = rest.slice(plus[0].length);
    }
    found.push(message);
  }
  return found;
}

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|mjs|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** The export as it should be: every message once, sorted, each mapped to itself. */
export function collect() {
  const messages = new Set();
  for (const file of [...sources(path.join(root, 'src')), ...sources(path.join(root, 'media'))])
    for (const message of messagesOf(readFileSync(file, 'utf8'), path.relative(root, file))) messages.add(message);
  const sorted = [...messages].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(sorted.map((message) => [message, message]));
}

export const serialize = (bundle) => `${JSON.stringify(bundle, null, 2)}\n`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = serialize(collect());
  if (process.argv.includes('--check')) {
    if (readFileSync(BUNDLE, 'utf8') !== text) {
      console.error('l10n/bundle.l10n.json is out of date: run node scripts/l10n-export.mjs');
      process.exit(1);
    }
  } else {
    writeFileSync(BUNDLE, text);
    console.log(`${Object.keys(JSON.parse(text)).length} messages in ${path.relative(root, BUNDLE)}`);
  }
}
