/**
 * Runs tasks one at a time per key within this process. Writers of one order queue here instead of
 * colliding on the ledger's revision check; the check still guards against other instances.
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<unknown>>();
  readonly #counts = new Map<string, number>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const current = previous.then(task, task);
    const tail = current.catch(() => undefined);
    this.#tails.set(key, tail);
    this.#counts.set(key, this.queued(key) + 1);
    try {
      return await current;
    } finally {
      const left = this.queued(key) - 1;
      if (left === 0) this.#counts.delete(key);
      else this.#counts.set(key, left);
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }

  /** Tasks of `key` running or waiting their turn. */
  queued(key: string): number {
    return this.#counts.get(key) ?? 0;
  }

  /** Keys with work queued or running. */
  get size(): number {
    return this.#tails.size;
  }
}
