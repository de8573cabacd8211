import type { FaultsUpdate } from './schemas/fault-schemas.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface SandboxOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly logLevel: LogLevel;
  /** The `clientid` header every call must carry. */
  readonly clientId: string;
  /** The `securitykey` header every call must carry. */
  readonly securityKey: string;
  /** The merchants the sandbox knows; `null` accepts any non-empty `merchantid`. */
  readonly merchants: readonly string[] | null;
  readonly autoCreateOrders: boolean;
  readonly autoCreateQuantity: number;
  readonly maxRecordedCalls: number;
  /** The faults in force at start and after a reset. */
  readonly faults: FaultsUpdate;
}

/** Programmatic defaults; the CLI differs only in listening on port 8089. */
export const DEFAULT_OPTIONS: SandboxOptions = {
  host: '127.0.0.1',
  port: 0,
  logLevel: 'warn',
  clientId: 'sandbox-client',
  securityKey: 'sandbox-security-key',
  merchants: null,
  autoCreateOrders: true,
  autoCreateQuantity: 1_000_000,
  maxRecordedCalls: 10_000,
  faults: {},
};
