import type { Socket } from 'node:net';

/**
 * Connections the sandbox deliberately leaves hanging, and the timers of late answers. The server
 * would wait for them forever on close, so closing the sandbox ends them first.
 */
export class HeldConnections {
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #closing = new AbortController();

  /** Aborted when the sandbox closes: cuts injected latency short. */
  get signal(): AbortSignal {
    return this.#closing.signal;
  }

  hold(socket: Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
  }

  later(delayMs: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      action();
    }, delayMs);
    this.#timers.add(timer);
  }

  releaseAll(): void {
    this.#closing.abort();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }
}
