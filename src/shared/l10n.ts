// Every text a person reads goes through `l10n.t`, in every layer: the job machine, the client and
// the files (which must not import vscode), the host, and the webview. The host sets the translator
// once at activation (VS Code's `vscode.l10n.t`), the webview sets it from `@vscode/l10n`; until
// then, and under plain Node tests, texts are English with their `{0}` / `{name}` placeholders
// filled in, exactly as VS Code does without a translation. Imports nothing: both sides bundle it.

export type L10nArg = string | number | boolean;
export type L10nArgs = L10nArg[] | [Record<string, L10nArg>];
/** `vscode.l10n.t` and `@vscode/l10n`'s `t` both have this shape. */
export type Translate = (message: string, ...args: L10nArgs) => string;
/** A bundle as `l10n/bundle.l10n.<language>.json` holds it: English text → translated text. */
export type L10nBundle = Record<string, string | { message: string; comment?: string | string[] }>;

/** Fills `{0}`, `{1}`… from the arguments in order, or `{name}` from one object; unknown ones stay as written. */
export function format(message: string, ...args: L10nArgs): string {
  if (args.length === 0) return message;
  const named = args.length === 1 && typeof args[0] === 'object';
  const values = (named ? args[0] : Object.fromEntries(args.map((value, i) => [String(i), value]))) as Record<string, L10nArg>;
  return message.replace(/\{([^{}]+)\}/g, (match, key: string) => (key in values ? String(values[key]) : match));
}

/** A translator over one bundle: the bundle's text where it has one, else the English. */
export function bundleTranslator(bundle: L10nBundle): Translate {
  return (message, ...args) => {
    const entry = Object.prototype.hasOwnProperty.call(bundle, message) ? bundle[message] : undefined;
    const text = typeof entry === 'string' ? entry : (entry?.message ?? message);
    return format(text, ...args);
  };
}

let translate: Translate = format;

/** Called once by each side before it shows anything; `undefined` goes back to English. */
export function setTranslator(translator: Translate | undefined): void {
  translate = translator ?? format;
}

/**
 * The text in the language of the moment. `message` must be a string literal (the export,
 * `scripts/l10n-export.mjs`, collects the first argument of every `l10n.t(...)` call).
 */
function t(message: string, ...args: L10nArgs): string {
  return translate(message, ...args);
}

export const l10n = { t };
