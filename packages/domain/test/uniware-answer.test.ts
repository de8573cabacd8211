import { describe, expect, it } from 'vitest';
import { classifyUniwareAnswer, parseRetryAfter, type UniwareAnswer } from '../src/index.ts';

const now = new Date('2026-11-22T10:00:00.000Z');
const response = (httpStatus: number, body: unknown, retryAfter?: string): UniwareAnswer => ({
  kind: 'response',
  httpStatus,
  body,
  retryAfter,
});

describe("classifying Uniware's answer", () => {
  it('delivered on HTTP 200 with status success', () => {
    const answer = response(200, {
      status: 'success',
      message: 'Successfully updated Order detail',
      data: null,
    });
    expect(classifyUniwareAnswer(answer, now)).toEqual({ verdict: 'delivered' });
  });

  it("rejected, with Uniware's message, on status failure", () => {
    const answer = response(200, { status: 'failure', message: 'Sale order not found', data: null });
    expect(classifyUniwareAnswer(answer, now)).toEqual({
      verdict: 'rejected',
      message: 'Sale order not found',
    });
  });

  it('retryable with an unknown outcome when a 200 carries a body it cannot read', () => {
    expect(classifyUniwareAnswer(response(200, '<html>proxy</html>'), now)).toMatchObject({
      verdict: 'retryable',
      outcomeUnknown: true,
    });
  });

  it.each([401, 403])('an authentication failure on HTTP %i', (httpStatus) => {
    expect(classifyUniwareAnswer(response(httpStatus, { message: 'invalid securitykey' }), now)).toEqual({
      verdict: 'auth-failure',
      httpStatus,
      message: 'invalid securitykey',
    });
  });

  it('retryable on 429, waiting as long as Retry-After asks', () => {
    expect(classifyUniwareAnswer(response(429, '', '7'), now)).toMatchObject({
      verdict: 'retryable',
      retryAfterMs: 7000,
      outcomeUnknown: false,
    });
  });

  it.each([500, 502, 503, 408])('retryable on HTTP %i', (httpStatus) => {
    expect(classifyUniwareAnswer(response(httpStatus, null), now).verdict).toBe('retryable');
  });

  it('retryable with an unknown outcome on a gateway timeout', () => {
    expect(classifyUniwareAnswer(response(504, null), now)).toMatchObject({ outcomeUnknown: true });
  });

  it.each([400, 409, 422])('rejected on HTTP %i with a JSON body, keeping the message', (httpStatus) => {
    expect(classifyUniwareAnswer(response(httpStatus, { message: 'bad saleOrderCode' }), now)).toEqual({
      verdict: 'rejected',
      message: `HTTP ${httpStatus}: bad saleOrderCode`,
    });
  });

  it('retryable on a network error, saying whether Uniware may have applied it', () => {
    const refused: UniwareAnswer = {
      kind: 'network-error',
      code: 'ECONNREFUSED',
      message: 'connect refused',
      outcomeUnknown: false,
    };
    const timedOut: UniwareAnswer = { ...refused, code: 'UND_ERR_HEADERS_TIMEOUT', outcomeUnknown: true };
    expect(classifyUniwareAnswer(refused, now)).toMatchObject({
      verdict: 'retryable',
      outcomeUnknown: false,
    });
    expect(classifyUniwareAnswer(timedOut, now)).toMatchObject({
      verdict: 'retryable',
      outcomeUnknown: true,
    });
  });
});

describe('answers that are not Uniware judging the cancellation', () => {
  it.each([301, 302, 307, 308, 404])(
    'retryable, never sent before, on HTTP %i (a wrong base URL)',
    (httpStatus) => {
      expect(classifyUniwareAnswer(response(httpStatus, { message: 'moved' }), now)).toMatchObject({
        verdict: 'retryable',
        outcomeUnknown: false,
      });
    },
  );

  it.each([400, 405, 413, 418])('retryable on HTTP %i whose body is a proxy page, not JSON', (httpStatus) => {
    const verdict = classifyUniwareAnswer(
      response(httpStatus, '<html><body>Bad gateway rule</body></html>'),
      now,
    );
    expect(verdict).toMatchObject({ verdict: 'retryable', outcomeUnknown: false });
    expect(verdict.verdict === 'retryable' && verdict.reason).toContain('UC_BASE_URL');
  });

  it('keeps the Retry-After a misdirected answer carries', () => {
    expect(classifyUniwareAnswer(response(302, '', '60'), now)).toMatchObject({ retryAfterMs: 60_000 });
  });
});

describe('a repeat after an unknown outcome', () => {
  const already = response(200, {
    status: 'failure',
    message:
      'Cannot cancel 2 unit(s) of SKU (productId p, variantId v) in sale order SO-1: only 0 remain(s) cancellable',
  });

  it('is "probably applied" when Uniware refuses it because the units are cancelled already', () => {
    expect(classifyUniwareAnswer(already, now, { afterUnknownOutcome: true })).toMatchObject({
      verdict: 'probably-applied',
    });
    expect(
      classifyUniwareAnswer(
        response(200, { status: 'failure', message: 'Order item already cancelled' }),
        now,
        {
          afterUnknownOutcome: true,
        },
      ),
    ).toMatchObject({ verdict: 'probably-applied' });
  });

  it('is a plain rejection on a first call with the same words', () => {
    expect(classifyUniwareAnswer(already, now)).toMatchObject({ verdict: 'rejected' });
  });

  it('is a plain rejection after an unknown outcome when the refusal is about something else', () => {
    const notFound = response(200, { status: 'failure', message: 'Sale order not found' });
    expect(classifyUniwareAnswer(notFound, now, { afterUnknownOutcome: true })).toMatchObject({
      verdict: 'rejected',
    });
  });
});

describe('Retry-After', () => {
  it('reads whole seconds', () => expect(parseRetryAfter('120', now)).toBe(120_000));
  it('reads an HTTP date relative to now', () =>
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:30 GMT', now)).toBe(30_000));
  it('never goes below zero for a date in the past', () =>
    expect(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', now)).toBe(0));
  it.each(['soon', '-5', '1.5', ''])('ignores %j', (value) =>
    expect(parseRetryAfter(value, now)).toBeUndefined(),
  );
});
