/**
 * Progress goes to stderr as whole lines with a fixed prefix: readable in a terminal, and in CI logs
 * where there is no terminal to redraw.
 */
export function progress(message: string): void {
  process.stderr.write(`[devstack] ${message}\n`);
}

export function secondsSince(startMs: number): string {
  return ((Date.now() - startMs) / 1000).toFixed(1);
}
