/**
 * Security: one seller's token never reads or changes another seller's orders (every route of the
 * Uniware port, found in its OpenAPI document); tokens expire; wrong passwords are slowed per
 * address without locking out the real seller; the operations port refuses /ops/* without its
 * token; no secret shows in the service's logs (debug level), its exported spans or its answers;
 * and `pnpm audit` finds no high-severity advisory, or says why it could not run.
 */
import { randomBytes } from 'node:crypto';
import { startSandbox } from '@cancel-sync/uc-sandbox';
import { waitFor } from '../../apps/service/test/support/environment.ts';
import { aCancelledEvent, anItem, anOrder } from '../../apps/service/test/support/mothers.ts';
import { openWorld } from '../../apps/service/test/support/world.ts';
import { runAudit } from './audit.ts';
import { type Figure, mustEqual, reported, type Scenario, type ScenarioContext } from './scenario.ts';
import { type ServiceProcess, serviceEnvironment, spawnServiceProcess } from './service-process.ts';
import { startSpanCollector } from './span-collector.ts';

const secret = (prefix: string) => `${prefix}-${randomBytes(18).toString('base64url')}`;
const TOKEN_TTL_SECONDS = 60;
const MAX_FAILED = 5;
const MAX_FAILED_PER_ADDRESS = 20;

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
}

/** Every answer the scenario got, for the secret grep (the token answers of /authToken excepted). */
const answers: { route: string; answer: Answer }[] = [];

const call = async (route: string, url: string, init: RequestInit = {}): Promise<Answer> => {
  const response = await fetch(url, init);
  const answer = {
    status: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    text: await response.text(),
  };
  answers.push({ route, answer });
  return answer;
};

/** An answer with the parts that differ from call to call (request ids, the order id) blanked. */
const shape = (answer: Answer, orderId: string) =>
  `${answer.status} ${answer.text.replaceAll(orderId, '<order>').replace(/"requestId":"[^"]*"/g, '')}`;

const run = async ({ log, sharedStack }: ScenarioContext) => {
  answers.length = 0;
  const startedAt = Date.now();
  const stack = await sharedStack();
  const uniware = { clientId: secret('uc-client'), securityKey: secret('uc-key') };
  const sandbox = await startSandbox(uniware);
  const spans = await startSpanCollector();
  const opsToken = secret('ops-token');
  const env = serviceEnvironment(stack, sandbox.url, {
    LOG_LEVEL: 'debug',
    OPS_TOKEN: opsToken,
    UC_CLIENT_ID: uniware.clientId,
    UC_SECURITY_KEY: uniware.securityKey,
    AUTH_TOKEN_TTL_SECONDS: String(TOKEN_TTL_SECONDS),
    AUTH_MAX_FAILED_ATTEMPTS: String(MAX_FAILED),
    AUTH_MAX_FAILED_ATTEMPTS_PER_ADDRESS: String(MAX_FAILED_PER_ADDRESS),
    // The clients stand behind a proxy on loopback that appends the address it saw.
    HTTP_TRUST_PROXY: '127.0.0.1',
    OTEL_TRACES_EXPORTER: 'zipkin',
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: spans.endpoint,
    OTEL_BSP_SCHEDULE_DELAY: '500',
  });
  const world = await openWorld(env);
  let service: ServiceProcess | undefined;
  const notes: string[] = [];
  /** Output of the instances other than `service`, grepped too. */
  const outputs: string[] = [];
  try {
    const passwords = { a: secret('pw-a'), b: secret('pw-b') };
    const sellerA = await world.registerSeller('seller-a', passwords.a);
    const sellerB = await world.registerSeller('seller-b', passwords.b);
    const orderA = anOrder({ sellerId: 'seller-a', items: [anItem({ quantity: 10 })] });
    const orderB = anOrder({ sellerId: 'seller-b', items: [anItem({ quantity: 10 })] });
    await world.seedOrder(orderA);
    await world.seedOrder(orderB);
    service = await spawnServiceProcess(env, 'security');
    const api = service.httpUrl;
    const from = (address: string) => ({ 'x-forwarded-for': address });

    const issue = async (credentials: { username: string; password: string }, address: string) =>
      call('/authToken', `${api}/authToken`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...from(address) },
        body: JSON.stringify(credentials),
      });
    const tokenOf = (answer: Answer) =>
      (JSON.parse(answer.text) as { accessToken?: string }).accessToken ?? '';
    const tokenA = tokenOf(await issue(sellerA, '10.0.0.1'));
    const tokenB = tokenOf(await issue(sellerB, '10.0.0.2'));
    // The GET form carries the password in the query string: it must not reach logs or spans either.
    const tokenViaGet = tokenOf(
      await call(
        '/authToken',
        `${api}/authToken?username=${sellerA.username}&password=${encodeURIComponent(passwords.a)}`,
        { headers: from('10.0.0.1') },
      ),
    );
    const issuedAt = Date.now();
    const tokens = [tokenA, tokenB, tokenViaGet];

    // --- One seller's token against another seller's orders, on every secured route.
    const line = { orderItemId: 'item-1', productId: 'prod-1', variantId: 'var-1', quantity: 1 };
    const cancel = (token: string, orderId: string, key?: string) =>
      call('POST /orders/cancel', `${api}/orders/cancel`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          apiKey: token,
          ...(key === undefined ? {} : { 'idempotency-key': key }),
        },
        body: JSON.stringify({ orderId, orderItems: [line] }),
      });
    const history = (token: string, orderId: string) =>
      call(
        'GET /orders/{orderId}/cancellations',
        `${api}/orders/${encodeURIComponent(orderId)}/cancellations`,
        {
          headers: { apiKey: token },
        },
      );
    // B's own activity first, so that there is something of B's to leak.
    const key = `key-${randomBytes(6).toString('hex')}`;
    const bOwn = await cancel(tokenB, orderB.orderId, key);
    if (!bOwn.text.includes('"SUCCESS"')) notes.push(`seller B's own cancellation was refused: ${bOwn.text}`);
    const orderBBefore = JSON.stringify(await world.storedOrder(orderB.orderId));
    const missing = `SO-missing-${randomBytes(4).toString('hex')}`;
    const crossChecks: Record<string, () => Promise<string[]>> = {
      'post /orders/cancel': async () => {
        const leaks: string[] = [];
        const likeMissing = shape(await cancel(tokenA, missing), missing);
        const plain = await cancel(tokenA, orderB.orderId);
        if (shape(plain, orderB.orderId) !== likeMissing) leaks.push(`A cancelling B's order: ${plain.text}`);
        // B's Idempotency-Key and body, sent with A's token: never B's remembered answer.
        const replay = await cancel(tokenA, orderB.orderId, key);
        if (shape(replay, orderB.orderId) !== likeMissing) leaks.push(`A replaying B's key: ${replay.text}`);
        if (JSON.stringify(await world.storedOrder(orderB.orderId)) !== orderBBefore) {
          leaks.push("B's order changed after A's requests");
        }
        return leaks;
      },
      'get /orders/{orderId}/cancellations': async () => {
        // A sees its own attempts on that order id (all refused as not found), never B's requests.
        const read = await history(tokenA, orderB.orderId);
        const view = JSON.parse(read.text) as {
          cancellations?: { requestId: string; lines: { outcome: string }[] }[];
        };
        const foreign = (view.cancellations ?? []).filter(
          (record) =>
            record.requestId === bOwn.headers['x-request-id'] ||
            record.lines.some((line) => line.outcome !== 'ORDER_NOT_FOUND'),
        );
        return read.status === 200 && foreign.length === 0 ? [] : [`A reading B's history: ${read.text}`];
      },
    };
    const document = JSON.parse((await call('/openapi.json', `${api}/openapi.json`)).text) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    const secured = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, operation]) => (operation.security ?? []).length > 0)
        .map(([method]) => `${method} ${path}`),
    );
    const unchecked = secured.filter((route) => crossChecks[route] === undefined);
    const crossLeaks: string[] = [];
    for (const route of secured) crossLeaks.push(...((await crossChecks[route]?.()) ?? []));
    // The check against itself: A's token does reach A's own order, so a refusal above means something.
    const ownHistory = await history(tokenA, orderA.orderId);
    const ownCancel = await cancel(tokenA, orderA.orderId);
    const bHistory = await history(tokenB, orderB.orderId);
    const ownWorks =
      ownHistory.status === 200 &&
      ownCancel.text.includes('"SUCCESS"') &&
      bHistory.text.includes(bOwn.headers['x-request-id'] ?? 'no request id')
        ? 1
        : 0;
    log(`cross-seller: ${secured.length} secured routes, ${crossLeaks.length} leaks`);

    // --- Guessing passwords, slowed per address; the real seller is not locked out.
    const attacker = '203.0.113.66';
    let checkedBeforeThrottle = 0;
    let throttled: Answer | undefined;
    for (let i = 0; i < MAX_FAILED * 4 && throttled === undefined; i += 1) {
      const answer = await issue({ username: sellerA.username, password: `guess-${i}` }, attacker);
      if (answer.status === 429) throttled = answer;
      else checkedBeforeThrottle += 1;
    }
    // Rotating a spoofed first hop does not help: the trusted proxy's hop is the address counted.
    let spoofedAccepted = 0;
    for (let i = 0; i < 10; i += 1) {
      const answer = await issue(
        { username: sellerA.username, password: `spoofed-${i}` },
        `198.51.100.${i}, ${attacker}`,
      );
      if (answer.status !== 429) spoofedAccepted += 1;
    }
    const attackerRightPassword = await issue(sellerA, attacker);
    const realSeller = await issue(sellerA, '10.0.0.1');
    // Across usernames, one address is limited too.
    const sprayer = '203.0.113.99';
    let sprayedBeforeThrottle = 0;
    for (let i = 0; i < MAX_FAILED_PER_ADDRESS * 2; i += 1) {
      const answer = await issue({ username: `uc-nobody-${i}`, password: 'guess' }, sprayer);
      if (answer.status === 429) break;
      sprayedBeforeThrottle += 1;
    }
    tokens.push(tokenOf(realSeller));
    // Without HTTP_TRUST_PROXY nobody's X-Forwarded-For is believed: a fresh address per guess
    // gets the attacker nothing (a second instance, on the same database, trusting no proxy).
    const { HTTP_TRUST_PROXY: _trusted, ...withoutProxy } = env;
    const untrusting = await spawnServiceProcess(
      { ...withoutProxy, SERVICE_ROLES: 'http' },
      'security-no-proxy',
    );
    let untrustedChecked = 0;
    try {
      for (let i = 0; i < MAX_FAILED * 3; i += 1) {
        const answer = await call('/authToken', `${untrusting.httpUrl}/authToken`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...from(`198.51.100.${i}`) },
          body: JSON.stringify({ username: sellerB.username, password: `guess-${i}` }),
        });
        if (answer.status !== 429) untrustedChecked += 1;
      }
    } finally {
      await untrusting.stop();
      outputs.push(...untrusting.output);
    }
    log(`passwords: ${checkedBeforeThrottle} guesses checked before 429; real seller ${realSeller.status}`);

    // --- The operations port refuses /ops/* without its token, on every route of its document.
    const opsDocument = JSON.parse((await call('/openapi.json', `${service.opsUrl}/openapi.json`)).text) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    const opsRoutes = Object.entries(opsDocument.paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({
        method,
        path,
        secured: (operation.security ?? []).length > 0,
      })),
    );
    const opsPathsUnder = (prefix: string) => opsRoutes.filter((route) => route.path.startsWith(prefix));
    const wrongAuthorizations = [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      `Bearer ${secret('wrong')}`,
      `Bearer ${tokenA}`,
      `Basic ${Buffer.from(`ops:${opsToken}`).toString('base64')}`,
      `bearer ${opsToken}x`,
      `Bearer ${opsToken.slice(0, -1)}`,
    ];
    let opsAnsweredWithoutToken = 0;
    let opsRightToken = 0;
    for (const route of opsPathsUnder('/ops/')) {
      const url = `${service.opsUrl}${route.path.replace('{orderId}', encodeURIComponent(orderB.orderId))}`;
      for (const authorization of wrongAuthorizations) {
        const answer = await call(`ops ${route.path}`, url, {
          method: route.method.toUpperCase(),
          headers: authorization === undefined ? {} : { authorization },
        });
        if (answer.status !== 401) {
          opsAnsweredWithoutToken += 1;
          notes.push(`${route.method} ${route.path} with "${authorization}" answered ${answer.status}`);
        }
      }
      const right = await call(`ops ${route.path}`, url, {
        method: route.method.toUpperCase(),
        headers: { authorization: `Bearer ${opsToken}` },
      });
      if (right.status === 200) opsRightToken += 1;
    }
    const opsUnsecured = opsPathsUnder('/ops/').filter((route) => !route.secured).length;

    // --- A delivery to Uniware, so that its credentials travel while the spans are recorded.
    const event = aCancelledEvent({ orderId: orderA.orderId, sellerId: 'seller-a' });
    await world.publish(env.TOPIC_ORDER_CANCELLED ?? '', [
      { key: orderA.orderId, value: JSON.stringify(event) },
    ]);
    await waitFor(
      async () => (await world.stores.deliveryJobs.find(String(event.eventId)))?.state,
      (state) => state === 'delivered',
      { timeoutMs: 30_000, what: 'the delivery to the sandbox' },
    ).catch((error: Error) => notes.push(error.message));
    await call('ops /ops/orders/{orderId}', `${service.opsUrl}/ops/orders/${orderA.orderId}`, {
      headers: { authorization: `Bearer ${opsToken}` },
    });

    // --- Tokens expire: the first ones were issued a TTL ago by now.
    const waitMs = issuedAt + TOKEN_TTL_SECONDS * 1000 + 1500 - Date.now();
    if (waitMs > 0) {
      log(`waiting ${Math.ceil(waitMs / 1000)} s for the tokens to expire`);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
    const expired = [await history(tokenA, orderA.orderId), await cancel(tokenB, orderB.orderId)];
    const expiredAccepted = expired.filter((answer) => answer.status !== 401).length;

    // --- The whole run's output and spans, grepped for every secret used.
    await service.stop();
    const exitCode = service.exitCode();
    await waitFor(
      () => spans.bodies.length,
      (count) => count > 0,
      { timeoutMs: 5_000 },
    ).catch(() => 0);
    const secrets: Record<string, string> = {
      "seller A's password": passwords.a,
      "seller B's password": passwords.b,
      OPS_TOKEN: opsToken,
      UC_SECURITY_KEY: uniware.securityKey,
      ...Object.fromEntries(
        tokens.filter((t) => t !== '').map((token, at) => [`access token ${at + 1}`, token]),
      ),
    };
    const places: Record<string, string> = {
      'service output': [...service.output, ...outputs].join('\n'),
      'exported spans': spans.bodies.join('\n'),
      answers: answers
        .filter(({ route, answer }) => !(route === '/authToken' && answer.status === 200))
        .map(({ answer }) => `${JSON.stringify(answer.headers)} ${answer.text}`)
        .join('\n'),
    };
    const found = Object.entries(places).flatMap(([place, text]) =>
      Object.entries(secrets)
        .filter(([, value]) => text.includes(value) || text.includes(encodeURIComponent(value)))
        .map(([name]) => `${name} in ${place}`),
    );
    // The grep's own control: the tokens are where they belong, in the answers of /authToken.
    const tokenAnswers = answers
      .filter(({ route, answer }) => route === '/authToken' && answer.status === 200)
      .map(({ answer }) => answer.text)
      .join('\n');
    const tokensFoundWhereTheyBelong = tokens.filter(
      (token) => token !== '' && tokenAnswers.includes(token),
    ).length;
    const audit = await runAudit(log);

    const figures: Figure[] = [
      mustEqual('secured Uniware routes without a cross-seller check', unchecked.length, 0),
      reported('secured Uniware routes checked', secured.join(', ')),
      mustEqual("another seller's order read or changed", crossLeaks.length, 0),
      mustEqual('control: own order reached with own token, B sees its own request', ownWorks, 1),
      mustEqual('requests with an expired token accepted', expiredAccepted, 0),
      reported('token lifetime configured', TOKEN_TTL_SECONDS, 's'),
      {
        name: 'wrong passwords checked for one username from one address',
        value: checkedBeforeThrottle,
        must: `= ${MAX_FAILED} (AUTH_MAX_FAILED_ATTEMPTS), then 429`,
        ok: checkedBeforeThrottle === MAX_FAILED && throttled !== undefined,
      },
      reported('Retry-After on the 429', throttled?.headers['retry-after'] ?? 'absent', 's'),
      mustEqual('guesses checked with a rotated spoofed X-Forwarded-For hop', spoofedAccepted, 0),
      mustEqual(
        'no trusted proxy: guesses checked with a new X-Forwarded-For each',
        untrustedChecked,
        MAX_FAILED,
      ),
      mustEqual(
        "attacker's address with the right password: answered 429",
        attackerRightPassword.status,
        429,
      ),
      mustEqual('real seller from its own address: token issued (HTTP status)', realSeller.status, 200),
      {
        name: 'wrong passwords from one address across usernames before 429',
        value: sprayedBeforeThrottle,
        must: `≤ ${MAX_FAILED_PER_ADDRESS} (AUTH_MAX_FAILED_ATTEMPTS_PER_ADDRESS)`,
        ok: sprayedBeforeThrottle <= MAX_FAILED_PER_ADDRESS,
      },
      mustEqual('/ops/* routes in the document without the operator scheme', opsUnsecured, 0),
      mustEqual('/ops/* requests with no or a wrong token answered', opsAnsweredWithoutToken, 0),
      mustEqual('/ops/* routes answering the right token', opsRightToken, opsPathsUnder('/ops/').length),
      reported(
        '/ops/* requests with no or a wrong token tried',
        opsPathsUnder('/ops/').length * wrongAuthorizations.length,
      ),
      mustEqual('secrets found in logs, spans or answers', found.length, 0),
      mustEqual('control: tokens found in the /authToken answers', tokensFoundWhereTheyBelong, tokens.length),
      reported('service output lines grepped (LOG_LEVEL=debug)', service.output.length + outputs.length),
      reported('exported spans grepped', spans.spanCount()),
      reported('answers grepped', answers.length),
      reported('secrets looked for', Object.keys(secrets).length),
      mustEqual('service exit code after SIGTERM', exitCode ?? -1, 0),
      audit.prod,
      audit.all,
    ];
    notes.push(
      ...crossLeaks,
      ...unchecked.map((route) => `no cross-seller check for ${route}`),
      ...found,
      ...audit.notes,
      `Took ${Math.round((Date.now() - startedAt) / 1000)} s, most of it waiting for the ${TOKEN_TTL_SECONDS} s tokens (the shortest AUTH_TOKEN_TTL_SECONDS allows) to expire.`,
    );
    return { scenario: security.title, figures, notes };
  } finally {
    await service?.stop();
    await world.close();
    await spans.close();
    await sandbox.close();
  }
};

export const security: Scenario = {
  name: 'security',
  title: 'Security: sellers apart, tokens expire, guessing slowed, operator token, no secret leaks, audit',
  run,
};
