import { describe, expect, it } from 'vitest';
import { CLI_DEFAULT_PORT, DEFAULT_OPTIONS, optionsFromEnv, SandboxConfigError } from '../src/index.ts';

describe('configuration from SANDBOX_* variables', () => {
  it('falls back to the defaults, on port 8089', () => {
    expect(optionsFromEnv({ PATH: '/bin', SANDBOX_HOST: '' })).toMatchObject({
      ...DEFAULT_OPTIONS,
      port: CLI_DEFAULT_PORT,
    });
  });

  it('reads every setting', () => {
    const options = optionsFromEnv({
      SANDBOX_PORT: '0',
      SANDBOX_HOST: '0.0.0.0',
      SANDBOX_LOG_LEVEL: 'info',
      SANDBOX_CLIENT_ID: 'mp',
      SANDBOX_SECURITY_KEY: 'k',
      SANDBOX_MERCHANTS: 'a, b',
      SANDBOX_AUTO_CREATE_ORDERS: 'false',
      SANDBOX_AUTO_CREATE_QUANTITY: '5',
      SANDBOX_MAX_RECORDED_CALLS: '100',
      SANDBOX_SEED: '42',
      SANDBOX_LATENCY: 'normal:100,20',
      SANDBOX_5XX_RATE: '0.1',
      SANDBOX_5XX_STATUS: '502',
      SANDBOX_5XX_PHASE: 'after-apply',
      SANDBOX_429_RATE: '0.05',
      SANDBOX_429_RETRY_AFTER: '3',
      SANDBOX_HANG_RATE: '0.01',
      SANDBOX_HANG_MS: '0',
      SANDBOX_DROP_RATE: '0.02',
      SANDBOX_DROP_PHASE: 'after-apply',
    });
    expect(options).toEqual({
      host: '0.0.0.0',
      port: 0,
      logLevel: 'info',
      clientId: 'mp',
      securityKey: 'k',
      merchants: ['a', 'b'],
      autoCreateOrders: false,
      autoCreateQuantity: 5,
      maxRecordedCalls: 100,
      faults: {
        seed: 42,
        latency: { kind: 'normal', meanMs: 100, jitterMs: 20 },
        serverError: { rate: 0.1, status: 502, phase: 'after-apply' },
        tooManyRequests: { rate: 0.05, retryAfterSeconds: 3, phase: undefined },
        hang: { rate: 0.01, answerAfterMs: null },
        drop: { rate: 0.02, phase: 'after-apply' },
      },
    });
  });

  it.each([
    ['SANDBOX_PORT', '80a', 'SANDBOX_PORT must be an integer >= 0 <= 65535 (got "80a")'],
    ['SANDBOX_PORT', '70000', 'SANDBOX_PORT must be an integer >= 0 <= 65535 (got "70000")'],
    ['SANDBOX_5XX_RATE', '1.5', 'SANDBOX_5XX_RATE must be a number >= 0 <= 1 (got "1.5")'],
    ['SANDBOX_5XX_STATUS', '504', 'SANDBOX_5XX_STATUS must be one of 500, 502, 503 (got "504")'],
    ['SANDBOX_429_RETRY_AFTER', '1.5', 'SANDBOX_429_RETRY_AFTER must be an integer >= 0 (got "1.5")'],
    ['SANDBOX_AUTO_CREATE_ORDERS', 'yes', 'SANDBOX_AUTO_CREATE_ORDERS must be true or false (got "yes")'],
    ['SANDBOX_LOG_LEVEL', 'loud', 'must be one of fatal, error, warn, info, debug, trace, silent'],
    ['SANDBOX_LATENCY', 'gauss:1', 'SANDBOX_LATENCY must be one of none, fixed:MS'],
    ['SANDBOX_DROP_PHASE', 'during', 'SANDBOX_DROP_PHASE must be one of before-apply, after-apply'],
    ['SANDBOX_PROT', '8080', 'SANDBOX_PROT is not a setting'],
  ])('names %s when it is bad', (name, value, message) => {
    const read = () => optionsFromEnv({ [name]: value });
    expect(read).toThrow(SandboxConfigError);
    expect(read).toThrow(message);
  });

  it('refuses rates that cannot all hold, or an upside-down latency range', () => {
    expect(() => optionsFromEnv({ SANDBOX_HANG_RATE: '0.7', SANDBOX_DROP_RATE: '0.7' })).toThrow(
      /SANDBOX_5XX_RATE, SANDBOX_429_RATE, SANDBOX_HANG_RATE and SANDBOX_DROP_RATE: the fault rates add up to 1.4/,
    );
    expect(() => optionsFromEnv({ SANDBOX_LATENCY: 'uniform:50-10' })).toThrow(
      /^SANDBOX_LATENCY: latency.minMs/,
    );
  });

  it('never repeats the security key in a message', () => {
    expect(() => optionsFromEnv({ SANDBOX_SECURITY_KEY: 'F212b212', SANDBOX_PORT: 'x' })).not.toThrow(/F212/);
  });
});
