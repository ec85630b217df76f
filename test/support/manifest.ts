// The manifest as VS Code reads it: package.json names each string a user reads as `%key%`, and the
// words are in package.nls.json (English) and package.nls.<language>.json (each translation).
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** Words by key, as in a package.nls file. */
export type ManifestStrings = Record<string, string>;

/** A whole string naming a key: vsce allows letters, digits, `_` and dots in it (VS Code also `-`). */
export const NLS_REFERENCE = /^%([\w.]+)%$/;

export const root = path.resolve(__dirname, '../../..');

const readJson = (file: string): unknown => JSON.parse(readFileSync(path.join(root, file), 'utf8'));

/** package.json as written, with its `%key%` references. */
export const rawManifest = (): unknown => readJson('package.json');

/** package.nls.json: the English words. */
export const englishStrings = (): ManifestStrings => readJson('package.nls.json') as ManifestStrings;

/** Every package.nls.<language>.json by its language (`es`, `ja`, `zh-cn`…). */
export function translations(): Map<string, ManifestStrings> {
  const found = new Map<string, ManifestStrings>();
  for (const file of readdirSync(root).sort()) {
    const language = /^package\.nls\.([\w-]+)\.json$/.exec(file)?.[1];
    if (language) found.set(language, readJson(file) as ManifestStrings);
  }
  return found;
}

/** Every string in a JSON value with where it is: its keys, and joined (`contributes.commands.0.title`). */
export function stringsIn(value: unknown, keys: string[] = []): { at: string; keys: string[]; text: string }[] {
  if (typeof value === 'string') return [{ at: keys.join('.'), keys, text: value }];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => stringsIn(inner, [...keys, key]));
}

/** The manifest a user's VS Code shows: each `%key%` replaced by its words; a key without words throws. */
export function localized<T>(manifest: T, strings: ManifestStrings): T {
  return JSON.parse(JSON.stringify(manifest), (_, value: unknown) => {
    const key = typeof value === 'string' ? NLS_REFERENCE.exec(value)?.[1] : undefined;
    if (key === undefined) return value;
    if (!Object.hasOwn(strings, key)) throw new Error(`no words for %${key}%`);
    return strings[key];
  }) as T;
}
