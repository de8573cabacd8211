import { expect } from 'vitest';
import type { DecodeFailureCode, DecodeResult } from '../src/index.ts';

/** Asserts a decoding failed with `code` and returns its message for further checks. */
export const failureOf = <T>(result: DecodeResult<T>, code: DecodeFailureCode): string => {
  expect(result).toMatchObject({ ok: false, code });
  return result.ok ? '' : result.message;
};

export const decodedValue = <T>(result: DecodeResult<T>): T => {
  if (!result.ok) throw new Error(`expected a decoded value, got ${result.code}: ${result.message}`);
  return result.value;
};
