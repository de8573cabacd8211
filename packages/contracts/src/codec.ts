/**
 * Decoders and encoders built once per schema: the schema is compiled at module load, so checking
 * a record costs a generated function call, not a walk over the schema.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { type DecodeResult, MAX_VALUE_BYTES } from './decode-result.ts';
import { registerFormats } from './formats.ts';
import { describeSchemaErrors } from './schema-errors.ts';

registerFormats();

// `fatal`: bytes that are not UTF-8 are a broken record, not text to patch with U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true });

const parseJson = (raw: Buffer | string | null): DecodeResult<unknown> => {
  if (raw === null || raw.length === 0) return { ok: false, code: 'INVALID_JSON', message: 'empty value' };
  const size = typeof raw === 'string' ? Buffer.byteLength(raw, 'utf8') : raw.byteLength;
  if (size > MAX_VALUE_BYTES) {
    return {
      ok: false,
      code: 'SCHEMA_VIOLATION',
      message: `value is ${size} bytes; the limit is ${MAX_VALUE_BYTES} (1 MiB)`,
    };
  }
  try {
    return { ok: true, value: JSON.parse(typeof raw === 'string' ? raw : utf8.decode(raw)) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, code: 'INVALID_JSON', message: `not JSON: ${message}` };
  }
};

export type Decoder<T> = (value: Buffer | string | null) => DecodeResult<T>;
export type Encoder<T> = (event: T) => Buffer;

export const createDecoder = <T extends TSchema>(schema: T): Decoder<Static<T>> => {
  const compiled = TypeCompiler.Compile(schema);
  return (raw: Buffer | string | null): DecodeResult<Static<T>> => {
    const parsed = parseJson(raw);
    if (!parsed.ok) return parsed;
    if (!compiled.Check(parsed.value)) {
      return {
        ok: false,
        code: 'SCHEMA_VIOLATION',
        message: describeSchemaErrors(compiled.Errors(parsed.value)),
      };
    }
    // Unknown properties were allowed in; they are dropped so nobody comes to depend on them.
    return { ok: true, value: Value.Clean(schema, parsed.value) as Static<T> };
  };
};

/** Publishing an invalid event is a bug in the publisher, so it throws rather than returns. */
export const createEncoder = <T extends TSchema>(schema: T, name: string): Encoder<Static<T>> => {
  const compiled = TypeCompiler.Compile(schema);
  return (event: Static<T>): Buffer => {
    if (!compiled.Check(event)) {
      throw new TypeError(
        `refusing to encode an invalid ${name}: ${describeSchemaErrors(compiled.Errors(event))}`,
      );
    }
    return Buffer.from(JSON.stringify(event), 'utf8');
  };
};
