/** Every CLI answers `--help` with its usage, and an unknown option with a message, never a stack trace. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const run = (script: string, ...args: string[]) =>
  spawnSync(process.execPath, [script, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, MONGODB_URI: '', KAFKA_BROKERS: '' },
  });

describe.each([['apps/service/src/sellers-cli.ts'], ['scripts/dev-events.ts']])('%s', (script) => {
  it('prints its usage for --help and exits 0', () => {
    const answer = run(script, '--help');
    expect({ status: answer.status, stderr: answer.stderr }).toEqual({ status: 0, stderr: '' });
    expect(answer.stdout).toMatch(/^usage:/);
  });

  it('names an unknown option, prints the usage and exits 2, without a stack trace', () => {
    const answer = run(script, '--nonsense');
    expect(answer.status).toBe(2);
    expect(answer.stderr).toContain("unknown option '--nonsense'");
    expect(answer.stderr).toContain('usage:');
    expect(answer.stderr).not.toMatch(/\n\s+at /);
  });
});

describe.each([
  ['scripts/start.ts'],
  ['bench/run.ts'],
  ['apps/uc-sandbox/src/main.ts'],
  ['packages/contracts/src/generate-cli.ts'],
  ['apps/service/src/config-doc.ts'],
  ['apps/service/src/main.ts'],
])('%s', (script) => {
  it('prints its usage for --help, exits 0 and starts nothing', () => {
    const answer = run(script, '--help');
    expect({ status: answer.status, stderr: answer.stderr }).toEqual({ status: 0, stderr: '' });
    expect(answer.stdout).toMatch(/^usage:/);
  });
});
