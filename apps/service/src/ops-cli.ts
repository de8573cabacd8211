/**
 * The operator CLI (`pnpm ops`, bin `cancel-sync-ops`): dead letters, delivery jobs, parked
 * records, sellers, an order's story, the audit. `--help` on every command; `--json` for JSON.
 * MONGODB_URI / MONGODB_DATABASE (and KAFKA_BROKERS to re-publish a parked record) come from the
 * environment, else from `.env.stack`. Exit codes: 0 done, 1 refused or failed, 2 bad input.
 */
import { readFileSync } from 'node:fs';
import { createKafkaClient, KafkaRecordRepublisher } from '@cancel-sync/adapter-kafka';
import { connectMongo, createMongoStores } from '@cancel-sync/adapter-mongodb';
import type { ParkedRecord } from '@cancel-sync/application';
import { COMMON, type OptionSpec, parse, UsageError } from './ops/args.ts';
import { COMMANDS, type Command } from './ops/commands.ts';
import { operations } from './ops/operations.ts';

const PROGRAM = 'cancel-sync-ops';

const optionHelp = (options: OptionSpec): string =>
  Object.entries({ ...options, ...COMMON })
    .map(([name, { type, help }]) => `  --${name}${type === 'string' ? ' VALUE' : ''}`.padEnd(26) + help)
    .join('\n');

const topHelp = (): string =>
  [
    `usage: ${PROGRAM} <command> <subcommand> [options]   (pnpm ops ...)`,
    '',
    ...Object.entries(COMMANDS).flatMap(([group, subcommands]) =>
      Object.entries(subcommands).map(
        ([name, command]) => `  ${`${group} ${name}`.padEnd(26)}${command.summary}`,
      ),
    ),
    '',
    `${PROGRAM} <command> --help, ${PROGRAM} <command> <subcommand> --help for options.`,
    'MONGODB_URI, MONGODB_DATABASE (and KAFKA_BROKERS for a parked record replay): from the environment, else .env.stack.',
    'Exit codes: 0 done, 1 refused or failed, 2 bad input.',
  ].join('\n');

const groupHelp = (group: string, subcommands: Record<string, Command>): string =>
  [
    `usage: ${PROGRAM} ${group} <${Object.keys(subcommands).join('|')}> [options]`,
    '',
    ...Object.entries(subcommands).map(([name, command]) => `  ${name.padEnd(18)}${command.summary}`),
  ].join('\n');

const commandHelp = (command: Command): string =>
  [
    `usage: ${PROGRAM} ${command.usage}`,
    '',
    command.summary,
    '',
    'options:',
    optionHelp(command.options),
  ].join('\n');

const stackFile = new URL('../../../.env.stack', import.meta.url);
const setting = (name: string): string | undefined => {
  const fromEnv = process.env[name];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  try {
    const line = readFileSync(stackFile, 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith(`${name}=`));
    return line?.slice(name.length + 1).trim();
  } catch {
    return undefined;
  }
};

/** Kafka is connected only when a parked record is re-published. */
const lazyRepublisher = () => {
  let connected: Promise<KafkaRecordRepublisher> | undefined;
  return {
    republish: async (record: ParkedRecord, headers: Readonly<Record<string, string>>) => {
      connected ??= (async () => {
        const brokers = setting('KAFKA_BROKERS');
        if (brokers === undefined) throw new Error('KAFKA_BROKERS is not set (and no .env.stack)');
        const kafka = createKafkaClient({
          clientId: `${PROGRAM}`,
          brokers: brokers.split(',').map((broker) => broker.trim()),
          log: () => undefined,
        });
        const republisher = new KafkaRecordRepublisher({ kafka });
        await republisher.connect();
        return republisher;
      })();
      await (await connected).republish(record, headers);
    },
    close: async () => {
      if (connected !== undefined) await (await connected.catch(() => undefined))?.disconnect();
    },
  };
};

const run = async (argv: readonly string[]): Promise<number> => {
  const [group, name, ...rest] = argv;
  if (group === undefined || group === '--help' || group === '-h' || group === 'help') {
    process.stdout.write(`${topHelp()}\n`);
    return group === undefined ? 2 : 0;
  }
  const subcommands = COMMANDS[group];
  if (subcommands === undefined)
    throw new UsageError(`unknown command ${JSON.stringify(group)}\n\n${topHelp()}`);
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(`${groupHelp(group, subcommands)}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = subcommands[name];
  if (command === undefined) {
    throw new UsageError(
      `unknown subcommand ${group} ${JSON.stringify(name)}\n\n${groupHelp(group, subcommands)}`,
    );
  }
  const parsed = parse(rest, command.options);
  if (parsed.values.help === true) {
    process.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }
  const uri = setting('MONGODB_URI') ?? '';
  if (uri === '') throw new UsageError('MONGODB_URI is not set (and no .env.stack)');
  const mongo = await connectMongo(uri, { dbName: setting('MONGODB_DATABASE') ?? 'cancel_sync' });
  const republisher = lazyRepublisher();
  try {
    const output = await command.run(parsed, operations(createMongoStores(mongo.db), republisher));
    process.stdout.write(
      parsed.values.json === true ? `${JSON.stringify(output.data, null, 2)}\n` : `${output.text}\n`,
    );
    return output.exitCode;
  } finally {
    await republisher.close();
    await mongo.close();
  }
};

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  // Never a stack trace: the operator gets the message and an exit code.
  const usage = error instanceof UsageError;
  process.stderr.write(
    `${PROGRAM}: ${usage ? '' : 'failed: '}${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = usage ? 2 : 1;
}
