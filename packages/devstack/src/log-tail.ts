import { open } from 'node:fs/promises';

/** The last `lines` lines of a log file, indented, for an error message; never throws. */
export async function logTail(file: string, lines = 40): Promise<string> {
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, 64 * 1024);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      const text = buffer.toString('utf8').trimEnd();
      if (text === '') return `  (${file} is empty)`;
      return text
        .split('\n')
        .slice(-lines)
        .map((line) => `  | ${line}`)
        .join('\n');
    } finally {
      await handle.close();
    }
  } catch (error) {
    return `  (cannot read ${file}: ${error instanceof Error ? error.message : String(error)})`;
  }
}
