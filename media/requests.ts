// The webview's side of requests: each gets a fresh id and a promise that the host's reply with
// that id settles. No timer: the host answers every request it accepts exactly once, and one it
// drops (a forged or malformed message) was never sent by this page.
import type { ReplyOf, RequestMessage, RequestType, Requests } from '../src/shared/messages';

export interface RequestChannel {
  /** Posts a request; settles with the host's reply to it. */
  request<K extends RequestType>(type: K, params: Requests[K]['params']): Promise<ReplyOf<K>>;
  /** Whether a request of this type still awaits its reply. */
  waiting(type: RequestType): boolean;
  /** A reply came: settles its request. False when no request awaits that id. */
  settle(id: number, reply: ReplyOf<RequestType>): boolean;
}

export function createRequestChannel(post: (message: RequestMessage) => void, firstId = randomFirstId()): RequestChannel {
  // Ids start at a random point, not 1: a page reloaded while its request was out must not take
  // the old page's late reply for the answer to its own.
  let lastId = firstId - 1;
  const pending = new Map<number, { type: RequestType; resolve: (reply: ReplyOf<RequestType>) => void }>();
  return {
    request(type, params) {
      const id = ++lastId;
      return new Promise((resolve) => {
        pending.set(id, { type, resolve: resolve as (reply: ReplyOf<RequestType>) => void });
        try {
          post({ ...params, type, id } as RequestMessage);
        } catch (error) {
          // Never sent, so no reply will come: a request left pending would keep its button dead.
          pending.delete(id);
          throw error;
        }
      });
    },
    waiting: (type) => [...pending.values()].some((entry) => entry.type === type),
    settle(id, reply) {
      const entry = pending.get(id);
      if (!entry) return false;
      pending.delete(id);
      entry.resolve(reply);
      return true;
    },
  };
}

/** A whole number from 1 to 2^48: far from the end of the safe integers, and from every other page's. */
function randomFirstId(): number {
  const [high, low] = crypto.getRandomValues(new Uint32Array(2));
  return (high % 2 ** 16) * 2 ** 32 + low + 1;
}
