import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { httpLoggerOptions } from '../src/index.ts';
import { buildTestApi, postCancel, tokenFor } from './harness.ts';
import { aCancelBody, aLineFor, anItem, anOrder, aSeller, PASSWORD } from './mothers.ts';

describe('logs', () => {
  it('never hold a password or a token, whatever the request', async () => {
    const { app, world, logs } = await buildTestApi();
    const seller = world.givenSeller();
    world.ledger.given(anOrder());
    const wrongPassword = 'Wr0ng-pa55word-guess';

    const viaGet = await app.inject({
      url: `/authToken?username=${seller.username}&password=${PASSWORD}`,
    });
    await app.inject({ url: `/authToken?username=${seller.username}&password=${wrongPassword}` });
    await app.inject({ url: `/AUTHTOKEN?username=${seller.username}&password=${PASSWORD}` }); // a 404
    await app.inject({
      method: 'POST',
      url: '/authToken',
      payload: { username: seller.username, password: wrongPassword },
    });
    await app.inject({
      method: 'POST',
      url: '/authToken',
      headers: { 'content-type': 'application/json' },
      payload: `{"username":"${seller.username}","password":"${PASSWORD}"`,
    });
    const token = await tokenFor(app, aSeller());
    await postCancel(app, token, aCancelBody(anOrder(), [aLineFor(anItem())]));
    await postCancel(app, `${token}-tampered`, aCancelBody(anOrder(), [aLineFor(anItem())]));
    const getToken = viaGet.json<{ accessToken: string }>().accessToken;

    expect(logs.lines.length).toBeGreaterThan(10);
    for (const secret of [PASSWORD, wrongPassword, token, getToken]) {
      expect(logs.text).not.toContain(secret);
    }
    expect(logs.entries().some((entry) => entry.msg === 'access token issued')).toBe(true);
  });

  it('log request paths without their query string', async () => {
    const { app, logs } = await buildTestApi();

    await app.inject({ url: '/authToken?username=someone&password=letmein-please' });

    const incoming = logs.entries().find((entry) => entry.msg === 'incoming request');
    expect(incoming?.req).toMatchObject({ method: 'GET', url: '/authToken', route: '/authToken' });
  });

  it('stay free of secrets through a logger instance the caller built', async () => {
    const { world, logs } = await buildTestApi({ logger: false });
    // A real pino logger with Fastify's own serializers, which log the full URL.
    const callersLogger = Fastify({ logger: { level: 'info', stream: logs } }).log;
    const { app } = await buildTestApi({ logger: undefined, loggerInstance: callersLogger }, world);
    const seller = world.givenSeller();

    const response = await app.inject({ url: `/authToken?username=${seller.username}&password=${PASSWORD}` });

    expect(response.statusCode).toBe(200);
    expect(logs.entries().some((entry) => entry.msg === 'incoming request')).toBe(true);
    expect(logs.text).not.toContain(PASSWORD);
    expect(logs.text).not.toContain(response.json<{ accessToken: string }>().accessToken);
  });

  it('keep the caller’s redaction paths and add ours', () => {
    const options = httpLoggerOptions({ level: 'warn', redact: ['customer.email'] });

    expect(options.level).toBe('warn');
    expect(options.redact).toMatchObject({
      paths: expect.arrayContaining(['customer.email', 'req.query.password', 'req.headers.apikey']),
    });
  });
});
