import { readFile } from 'node:fs/promises';

/** A server could not bind the port it was given: someone took it after the OS named it free. */
export class PortTakenError extends Error {
  override readonly name = 'PortTakenError';
}

/** Whether a server's log says it failed to bind (Kafka and netty both end in a BindException). */
export async function logShowsPortTaken(logFile: string): Promise<boolean> {
  try {
    return /java\.net\.BindException|Address already in use/.test(await readFile(logFile, 'utf8'));
  } catch {
    return false;
  }
}
