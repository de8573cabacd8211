/** The in-memory ports come from the application's testing entry; only log capture is HTTP's own. */
export {
  FakeCrypto,
  InMemoryIdempotencyKeys,
  InMemoryLedger,
  InMemoryRecords,
  InMemorySellers,
  InMemoryTokens,
  ManualClock,
  SequentialIds,
} from '@cancel-sync/application/testing';

/** A pino destination that keeps every line, to look for what must not be logged. */
export class CapturedLogs {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
  get text(): string {
    return this.lines.join('');
  }
  entries(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}
