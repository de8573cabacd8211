/**
 * Registers sellers and rotates their passwords:
 *   pnpm sellers register --seller-id S --username U --merchant-id M < password-file
 *   pnpm sellers set-password --seller-id S < password-file
 * The password is read from standard input (never from an argument, which `ps` would show).
 * MONGODB_URI and MONGODB_DATABASE come from the environment, else from `.env.stack`.
 */
import { readFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { createNodeCrypto } from '@cancel-sync/adapter-crypto';
import { connectMongo, createMongoStores } from '@cancel-sync/adapter-mongodb';
import { changeSellerPassword, registerSeller } from '@cancel-sync/application';

const usage = `usage:
  pnpm sellers register --seller-id ID --username NAME --merchant-id UNIWARE_USERNAME < password
  pnpm sellers set-password --seller-id ID < password`;

/** `parseArgs`, with a bad option named and the usage shown, never thrown as a stack trace. */
const parseArguments = <T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> => {
  try {
    return parseArgs(config);
  } catch (error) {
    const message = error instanceof Error ? (error.message.split('. ')[0] ?? error.message) : String(error);
    process.stderr.write(`${message.charAt(0).toLowerCase()}${message.slice(1)}\n${usage}\n`);
    return process.exit(2);
  }
};

const fail = (message: string): never => {
  process.stderr.write(`${message}\n`);
  process.exit(2);
};

const stackFile = new URL('../../../.env.stack', import.meta.url);
const fromStackFile = (name: string): string | undefined => {
  try {
    const line = readFileSync(stackFile, 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith(`${name}=`));
    return line?.slice(name.length + 1).trim();
  } catch {
    return undefined;
  }
};

const readPassword = async (): Promise<string> => {
  if (process.stdin.isTTY) process.stderr.write('password (then Enter, Ctrl-D): ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
};

const main = async () => {
  const { positionals, values } = parseArguments({
    allowPositionals: true,
    options: {
      'seller-id': { type: 'string' },
      username: { type: 'string' },
      'merchant-id': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const [command] = positionals;
  const sellerId = values['seller-id'] ?? fail(`--seller-id is required\n${usage}`);
  const uri =
    process.env.MONGODB_URI ??
    fromStackFile('MONGODB_URI') ??
    fail('MONGODB_URI is not set (and no .env.stack)');
  const mongo = await connectMongo(uri, { dbName: process.env.MONGODB_DATABASE ?? 'cancel_sync' });
  try {
    const stores = createMongoStores(mongo.db);
    await stores.ensureIndexes();
    const deps = {
      sellers: stores.sellers,
      tokens: stores.accessTokens,
      crypto: createNodeCrypto(),
      clock: { now: () => new Date() },
    };
    if (command === 'register') {
      const username = values.username ?? fail(`--username is required\n${usage}`);
      const uniwareMerchantId = values['merchant-id'] ?? fail(`--merchant-id is required\n${usage}`);
      const answer = await registerSeller(deps)({
        sellerId,
        username,
        uniwareMerchantId,
        password: await readPassword(),
      });
      if (!answer.ok) fail(`not registered: ${answer.message}`);
      process.stdout.write(
        `registered seller ${sellerId} (Uniware username ${uniwareMerchantId}, login ${username})\n`,
      );
    } else if (command === 'set-password') {
      const answer = await changeSellerPassword(deps)({ sellerId, password: await readPassword() });
      if (!answer.ok) fail(`not changed: ${answer.message}`);
      else
        process.stdout.write(`password of ${sellerId} changed; ${answer.revokedTokens} token(s) revoked\n`);
    } else {
      fail(usage);
    }
  } finally {
    await mongo.close();
  }
};

await main();
