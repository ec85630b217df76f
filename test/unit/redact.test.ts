// The key must not survive in any form a body can echo it: raw, JSON-escaped, URL-encoded.
import * as assert from 'node:assert/strict';
import { redactDeep, redactingLogger, redactSecrets } from '../../src/util/redact';
import { recordingLog } from '../support/fixtures';

const KEY = 'sk/ab+cd=ef-gh_9';

/** Every character as \uXXXX, as some JSON encoders write non-alphanumerics (or everything). */
function unicodeEscaped(text: string): string {
  return [...text].map((char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
}

describe('redactSecrets', () => {
  const forms: [string, string][] = [
    ['raw', KEY],
    ['JSON-escaped with \\/', KEY.replace(/\//g, '\\/')],
    ['JSON-escaped with \\u002f', KEY.replace(/\//g, '\\u002f')],
    ['JSON-escaped with \\u002F and \\u002b (either case)', KEY.replace(/\//g, '\\u002F').replace(/\+/g, '\\u002b')],
    ['JSON-escaped, every character as \\uXXXX', unicodeEscaped(KEY)],
    ['JSON inside a JSON string (\\\\/)', KEY.replace(/\//g, '\\\\/')],
    ['percent-encoded', encodeURIComponent(KEY)],
    ['percent-encoded, lower-case hex', encodeURIComponent(KEY).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
    ['percent-encoded twice', encodeURIComponent(encodeURIComponent(KEY))],
    ['every byte percent-encoded', [...Buffer.from(KEY)].map((b) => `%${b.toString(16).toUpperCase()}`).join('')],
    ['with HTML character references', KEY.replace(/\//g, '&#x2F;').replace(/=/g, '&#61;')],
  ];
  for (const [form, written] of forms) {
    it(`removes a key with / + = - written ${form}`, () => {
      assert.equal(redactSecrets(`key=${written}&end`, [KEY]), 'key=[redacted]&end');
    });
  }

  it('after JSON.parse of an escaped echo, the parsed string is still caught', () => {
    const body = `{"message":"bad header API-KEY: ${KEY.replace(/\//g, '\\u002f')}"}`;
    const parsed = JSON.parse(body) as { message: string };
    assert.ok(parsed.message.includes(KEY), 'the escape hid the key from a raw search, and parsing revealed it');
    assert.equal(redactSecrets(parsed.message, [KEY]), 'bad header API-KEY: [redacted]');
  });

  it('handles keys with regular-expression characters, backslashes and non-ASCII letters', () => {
    for (const key of ['a.b*c(d)[e]$f^g|h?i', 'back\\slash\\key', 'clé-ünïcode-ключ', 'emoji-😀-key']) {
      const json = JSON.stringify({ echo: key });
      const asUnicode = JSON.stringify({ echo: key }).replace(
        /[^\x20-\x7e]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      );
      for (const text of [key, json, asUnicode, encodeURIComponent(key), JSON.stringify(json)]) {
        const redacted = redactSecrets(text, [key]);
        assert.ok(redacted.includes('[redacted]'), `${key} in ${text}: ${redacted}`);
        assert.ok(!redacted.includes(key), redacted);
      }
    }
  });

  it('leaves text without the key alone, ignores missing and too-short secrets, and takes several secrets', () => {
    const text = 'nothing secret here: sk/ab cd';
    assert.equal(redactSecrets(text, [KEY]), text);
    assert.equal(redactSecrets('abc a', ['a', undefined, '']), 'abc a');
    assert.equal(redactSecrets(`${KEY} and other-secret-1`, [KEY, 'other-secret-1']), '[redacted] and [redacted]');
  });

  it('catches every occurrence, back to back', () => {
    assert.equal(redactSecrets(`${KEY}${KEY}|${encodeURIComponent(KEY)}`, [KEY]), '[redacted][redacted]|[redacted]');
  });
});

describe('redactDeep', () => {
  it('takes the key out of every string of a parsed value, property names included, without touching the original', () => {
    const value = { message: `key ${KEY}`, list: [KEY, 1, null, { nested: `url?k=${encodeURIComponent(KEY)}` }], [KEY]: true, flag: false };
    const copy = redactDeep(value, [KEY]);
    assert.deepEqual(copy, {
      message: 'key [redacted]',
      list: ['[redacted]', 1, null, { nested: 'url?k=[redacted]' }],
      '[redacted]': true,
      flag: false,
    });
    assert.equal(value.message, `key ${KEY}`, 'the original is unchanged');
  });

  it('passes primitives through, redacts a bare string, and survives cycles', () => {
    assert.equal(redactDeep(42, [KEY]), 42);
    assert.equal(redactDeep(KEY, [KEY]), '[redacted]');
    const looped: Record<string, unknown> = { text: KEY };
    looped.self = looped;
    const copy = redactDeep(looped, [KEY]) as Record<string, unknown>;
    assert.equal(copy.text, '[redacted]');
    assert.equal(copy.self, copy);
  });
});

describe('redactingLogger', () => {
  it('redacts every line at every level before the wrapped logger sees it', () => {
    const inner = recordingLog();
    const log = redactingLogger(inner, [KEY]);
    log.trace(`t ${KEY}`);
    log.debug(`d ${encodeURIComponent(KEY)}`);
    log.info(`i ${KEY.replace(/\//g, '\\/')}`);
    log.warn(`w ${KEY}`);
    log.error(`e ${KEY}`);
    assert.deepEqual(inner.lines, ['t [redacted]', 'd [redacted]', 'i [redacted]', 'w [redacted]', 'e [redacted]']);
  });
});
