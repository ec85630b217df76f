// Operations on the same key run one after another, in the order they were asked for; on
// different keys they run side by side. A failed operation does not stop the ones after it.
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(operation);
    this.tails.set(key, next);
    void next
      .finally(() => {
        if (this.tails.get(key) === next) this.tails.delete(key);
      })
      .catch(() => undefined);
    return next;
  }

  /** Whether an operation on `key` is waiting or running. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }

  /** Settles when every operation asked for so far has ended, however it ended. */
  async idle(): Promise<void> {
    await Promise.all([...this.tails.values()].map((tail) => tail.catch(() => undefined)));
  }
}
