// The 1min.ai key lives in VS Code's SecretStorage and nowhere else: not in settings, logs, or
// anything posted to a webview. Whether one is stored (never the key itself) is told to VS Code as
// the context key lumaVideo.hasApiKey, which the Generations view's welcome and the walkthrough's
// first step follow.
import { l10n } from '../shared/l10n';
import * as vscode from 'vscode';

const SECRET_ID = 'lumaVideo.apiKey';
export const HAS_API_KEY_CONTEXT = 'lumaVideo.hasApiKey';

export class ApiKeyStore {
  /** Every key seen in this session, the current and earlier ones: none may reach a log or a page. */
  private readonly seen = new Set<string>();

  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(): Promise<string | undefined> {
    const key = (await this.secrets.get(SECRET_ID))?.trim();
    if (key) this.seen.add(key);
    return key ? key : undefined;
  }

  /** The keys to redact wherever text is stored, logged or posted (live: grows as keys are set). */
  get known(): ReadonlySet<string> {
    return this.seen;
  }

  async has(): Promise<boolean> {
    return (await this.get()) !== undefined;
  }

  async set(key: string): Promise<void> {
    this.seen.add(key.trim());
    await this.secrets.store(SECRET_ID, key.trim());
    await this.refreshContext();
  }

  async clear(): Promise<void> {
    await this.secrets.delete(SECRET_ID);
    await this.refreshContext();
  }

  /** What lumaVideo.hasApiKey was last set to; undefined until the stored key has been read once. */
  get context(): boolean | undefined {
    return this.told;
  }

  /**
   * Keeps lumaVideo.hasApiKey true exactly while a key is stored: now (one secret read, which the
   * caller need not wait for) and whenever the key changes, in this window or another.
   */
  trackContext(): vscode.Disposable {
    void this.refreshContext();
    return this.secrets.onDidChange((event) => {
      if (event.key === SECRET_ID) void this.refreshContext();
    });
  }

  /** Reads whether a key is stored and tells VS Code; one read at a time, so the last change wins. */
  private refreshContext(): Promise<void> {
    // A key that cannot be read (no keychain, say) leaves the context as it was.
    this.contextUpdate = this.contextUpdate
      .then(async () => {
        const has = await this.has();
        if (has === this.told) return;
        await vscode.commands.executeCommand('setContext', HAS_API_KEY_CONTEXT, has);
        this.told = has;
      })
      .catch(() => undefined);
    return this.contextUpdate;
  }

  private told: boolean | undefined;
  private contextUpdate = Promise.resolve();

  /** Asks for the key in a masked input box and stores it; undefined when the person backs out. */
  async ask(reason?: string): Promise<string | undefined> {
    const key = await vscode.window.showInputBox({
      title: l10n.t('Luma: 1min.ai API Key'),
      prompt: reason ?? l10n.t("Paste your 1min.ai API key (1min.ai → Account → API Keys). It is kept in VS Code's secret " + 'storage.'),
      placeHolder: l10n.t('1min.ai API key'),
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) =>
        value.trim() === ''
          ? l10n.t('Paste the key, or press Escape to cancel.')
          : /\s/.test(value.trim())
            ? l10n.t('A key has no spaces in it; check what you pasted.')
            : undefined,
    });
    if (!key?.trim()) return undefined;
    await this.set(key);
    return key.trim();
  }

  /**
   * The stored key, or the one the person types now. Jobs of a batch starting together share one
   * question: a second input box would replace (and so dismiss) the first.
   */
  async getOrAsk(): Promise<string | undefined> {
    const stored = await this.get();
    if (stored) return stored;
    this.asking ??= this.ask(
      l10n.t("Generating a video needs your 1min.ai API key. Paste it here; it is kept in VS Code's " + 'secret storage.'),
    ).finally(() => (this.asking = undefined));
    return this.asking;
  }

  private asking: Promise<string | undefined> | undefined;
}
