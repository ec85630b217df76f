// The form's messages, host side: every message the webview posts is checked against the protocol
// (unknown ones and those about images the form does not show are dropped and logged), then
// handed to its handler; a request gets exactly one reply with its id. No `vscode` here: the
// panel gives the handlers, the way to post and the log.
import {
  FAILED_REPLY,
  parseWebviewMessage,
  type FormDraft,
  type HostMessage,
  type ImageAction,
  type ReplyOf,
  type RequestMessage,
  type RequestType,
  type Requests,
} from '../shared/messages';

/** What a request's handler gives back: the reply, and the work that goes on after it (jobs running). */
export interface Handled<R> {
  reply: R;
  /** receive() settles only after this, so whoever awaits a message awaits all it started. */
  after?: Promise<unknown>;
}

/** One handler per request type; the compiler asks for a new one when a request is added. */
export type RequestHandlers = { [K in RequestType]: (params: Requests[K]['params']) => Promise<Handled<ReplyOf<K>>> };

/** What the form does for each notice. */
export interface NoticeHandlers {
  ready(): void | Promise<void>;
  cancel(imageUri: string | undefined, confirmed: boolean): Promise<void>;
  draft(draft: FormDraft): Promise<void>;
  setApiKey(): Promise<void>;
  imageAction(action: ImageAction, imageUri: string): Promise<void>;
}

export interface FormRoute {
  /** The form's images as URI strings: messages about any other image are dropped. */
  imageKeys: readonly string[];
  /** For the log: the panel's title now. */
  title(): string;
  post(message: HostMessage): void;
  warn(message: string): void;
}

export class FormRouter {
  constructor(
    private readonly route: FormRoute,
    private readonly requests: RequestHandlers,
    private readonly notices: NoticeHandlers,
  ) {}

  /**
   * What the panel wires to `webview.onDidReceiveMessage`: one message, as the webview posted it.
   * Settles when everything the message started has ended (a generate: when its jobs have).
   */
  readonly receive = async (raw: unknown): Promise<void> => {
    const message = parseWebviewMessage(raw);
    const notOurs = (uri: string | undefined) => uri !== undefined && !this.route.imageKeys.includes(uri);
    if (
      !message ||
      ('imageUri' in message && notOurs(message.imageUri)) ||
      (message.type === 'generate' && Object.keys(message.prepared ?? {}).some(notOurs))
    ) {
      this.route.warn(`Dropped an unknown message from the form "${this.route.title()}".`);
      return;
    }
    switch (message.type) {
      case 'generate':
        return this.answer(message, () => this.requests.generate(message));
      case 'imageBytes':
        return this.answer(message, () => this.requests.imageBytes(message));
      case 'ready':
        return this.notices.ready();
      case 'cancel':
        return this.notices.cancel(message.imageUri, message.confirmed === true);
      case 'draft': {
        const { options, advancedOpen, perImageOpen } = message;
        // Only prompts of this form's images: a draft is kept in workspace storage and comes back.
        const prompts = Object.fromEntries(Object.entries(message.prompts).filter(([uri]) => this.route.imageKeys.includes(uri)));
        return this.notices.draft({ options, prompts, advancedOpen, perImageOpen });
      }
      case 'setApiKey':
        return this.notices.setApiKey();
      default:
        return this.notices.imageAction(message.type, message.imageUri);
    }
  };

  /** Runs a request's handler and replies once: its reply, or FAILED_REPLY when it throws (then rethrows). */
  private async answer<K extends RequestType>(request: RequestMessage & { type: K }, handle: () => Promise<Handled<ReplyOf<K>>>) {
    let handled: Handled<ReplyOf<K>>;
    try {
      handled = await handle();
    } catch (error) {
      this.route.post({ type: 'reply', id: request.id, reply: FAILED_REPLY[request.type] });
      throw error;
    }
    this.route.post({ type: 'reply', id: request.id, reply: handled.reply });
    await handled.after;
  }
}
