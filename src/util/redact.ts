// Removes secrets (the API key) from text and from parsed values. A body that echoes the key may
// hold it in forms a plain search misses: JSON escapes (`\/`, `\u002f`, at any depth of JSON
// inside JSON), percent-encoding (also twice), HTML/XML character references. Every one of those
// forms is matched, so redaction can run on raw text, on parsed strings, or both.

import type { Logger } from './log';

export const REDACTED = '[redacted]';

/** Shorter values would blank out ordinary text; no real key is this short. */
const MIN_SECRET_LENGTH = 4;

const JSON_SHORT_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  '\b': 'b',
  '\f': 'f',
  '\n': 'n',
  '\r': 'r',
  '\t': 't',
};
const XML_ENTITIES: Record<string, string> = { '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' };

/** Compiled patterns of recent secrets: there is one key at a time, so this stays tiny. */
const patterns = new Map<string, RegExp>();
const MAX_CACHED_PATTERNS = 8;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Hex digits of `n` as a pattern that accepts either letter case, padded to `width`. */
function hexPattern(n: number, width: number): string {
  return n
    .toString(16)
    .padStart(width, '0')
    .replace(/[a-f]/g, (digit) => `[${digit}${digit.toUpperCase()}]`);
}

/** Every way one character of a secret can be written in text. */
function characterForms(char: string): string[] {
  const codePoint = char.codePointAt(0)!;
  const forms = [escapeRegExp(char)];
  // JSON: \uXXXX for any character (a surrogate pair above U+FFFF), and the short escapes. One or
  // more backslashes, so JSON nested in a JSON string (\\/, \\u002f) is matched too.
  const units = char.length === 2 ? [char.charCodeAt(0), char.charCodeAt(1)] : [codePoint];
  forms.push(units.map((unit) => `\\\\+u${hexPattern(unit, 4)}`).join(''));
  if (char in JSON_SHORT_ESCAPES) forms.push(`\\\\+${escapeRegExp(JSON_SHORT_ESCAPES[char])}`);
  // Percent-encoding of the UTF-8 bytes; %25 repeated for text encoded more than once.
  forms.push([...Buffer.from(char, 'utf8')].map((byte) => `%(?:25)*${hexPattern(byte, 2)}`).join(''));
  if (char === ' ') forms.push('\\+');
  // HTML and XML character references.
  forms.push(`&#[xX]0*${hexPattern(codePoint, 1)};`, `&#0*${codePoint};`);
  if (char in XML_ENTITIES) forms.push(`&${XML_ENTITIES[char]};`);
  return forms;
}

function patternFor(secret: string): RegExp {
  let pattern = patterns.get(secret);
  if (!pattern) {
    const source = [...secret].map((char) => `(?:${characterForms(char).join('|')})`).join('');
    pattern = new RegExp(source, 'g');
    if (patterns.size >= MAX_CACHED_PATTERNS) patterns.delete(patterns.keys().next().value!);
    patterns.set(secret, pattern);
  }
  return pattern;
}

function usable(secrets: Iterable<string | undefined>): string[] {
  return [...secrets].filter((secret): secret is string => typeof secret === 'string' && secret.length >= MIN_SECRET_LENGTH);
}

/** `text` with every secret, in any of the forms above, replaced by "[redacted]". */
export function redactSecrets(text: string, secrets: Iterable<string | undefined>): string {
  let result = text;
  for (const secret of usable(secrets)) {
    const pattern = patternFor(secret);
    pattern.lastIndex = 0;
    result = result.replace(pattern, REDACTED);
  }
  return result;
}

/**
 * A copy of a parsed value (JSON-like: plain objects, arrays, primitives) with the secrets taken
 * out of every string in it, property names included. Other objects are returned as they are.
 */
export function redactDeep<T>(value: T, secrets: Iterable<string | undefined>): T {
  const list = usable(secrets);
  if (list.length === 0) return value;
  const copies = new Map<object, unknown>();
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return redactSecrets(item, list);
    if (typeof item !== 'object' || item === null) return item;
    if (copies.has(item)) return copies.get(item);
    if (Array.isArray(item)) {
      const copy: unknown[] = [];
      copies.set(item, copy);
      for (const entry of item) copy.push(walk(entry));
      return copy;
    }
    const prototype = Object.getPrototypeOf(item);
    if (prototype !== Object.prototype && prototype !== null) return item;
    const copy: Record<string, unknown> = {};
    copies.set(item, copy);
    for (const [key, entry] of Object.entries(item)) copy[redactSecrets(key, list)] = walk(entry);
    return copy;
  };
  return walk(value) as T;
}

/**
 * A logger that redacts every line before `log` sees it. `secrets` is read at every line, so a
 * live collection (the keys seen so far) keeps up with a key set later.
 */
export function redactingLogger(log: Logger, secrets: Iterable<string | undefined>): Logger {
  const level = (write: (message: string) => void) => (message: string) => write(redactSecrets(message, secrets));
  return {
    trace: level(log.trace.bind(log)),
    debug: level(log.debug.bind(log)),
    info: level(log.info.bind(log)),
    warn: level(log.warn.bind(log)),
    error: level(log.error.bind(log)),
  };
}
