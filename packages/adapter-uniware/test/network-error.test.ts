import { errors } from 'undici';
import { describe, expect, it } from 'vitest';
import { toNetworkError } from '../src/network-error.ts';

describe('what a network failure says about the outcome', () => {
  it.each([
    [new errors.HeadersTimeoutError(), 'UND_ERR_HEADERS_TIMEOUT'],
    [new errors.BodyTimeoutError(), 'UND_ERR_BODY_TIMEOUT'],
    [new errors.SocketError('other side closed'), 'UND_ERR_SOCKET'],
    [new DOMException('The operation timed out.', 'TimeoutError'), 'TimeoutError'],
    [new Error('something odd'), 'UNKNOWN'],
    ['not even an error', 'UNKNOWN'],
  ])('after the request was written, %s leaves it unknown', (error, code) => {
    expect(toNetworkError(error, true, [])).toMatchObject({
      kind: 'network-error',
      code,
      outcomeUnknown: true,
    });
    expect(toNetworkError(error, false, [])).toMatchObject({ code, outcomeUnknown: false });
  });

  it.each([
    [new errors.ConnectTimeoutError(), 'UND_ERR_CONNECT_TIMEOUT'],
    [Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' }), 'EAI_AGAIN'],
    [new errors.ClientClosedError(), 'UND_ERR_CLOSED'],
  ])('%s means it surely never left, whatever the exchange believes', (error, code) => {
    expect(toNetworkError(error, true, [])).toMatchObject({ code, outcomeUnknown: false });
  });

  it('takes the code of the first attempt of a happy-eyeballs connect', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:80'), { code: 'ECONNREFUSED' });
    expect(toNetworkError(new AggregateError([refused], ''), false, [])).toEqual({
      kind: 'network-error',
      code: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED ::1:80',
      outcomeUnknown: false,
    });
  });

  it('blanks out secrets wherever a message carries them', () => {
    const leaky = new Error('invalid header securitykey: S3CRET (S3CRET)');
    expect(toNetworkError(leaky, false, ['S3CRET']).message).toBe(
      'invalid header securitykey: [redacted] ([redacted])',
    );
  });
});
