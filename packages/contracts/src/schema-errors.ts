/** Turns TypeBox's validation errors into one short line naming the offending paths. */
import { type ValueError, ValueErrorType } from '@sinclair/typebox/errors';
import { truncate } from './dead-letter.ts';
import { UTC_SUFFIX_PATTERN } from './fields.ts';
import { stringEnumValues } from './string-enum.ts';

/** Enough to locate the problem; the rest is noise in a log line or a Kafka header. */
const MAX_PATHS = 10;
export const MAX_MESSAGE_LENGTH = 600;

const explain = (error: ValueError): string => {
  if (error.type === ValueErrorType.StringPattern && error.schema.pattern === UTC_SUFFIX_PATTERN) {
    return 'Expected a UTC offset ("Z" or "+00:00")';
  }
  const allowed = error.type === ValueErrorType.Kind ? stringEnumValues(error.schema) : undefined;
  return allowed === undefined
    ? error.message
    : `Expected one of ${allowed.map((v) => `'${v}'`).join(' | ')}`;
};

/**
 * Errors grouped by path. A missing property is reported once: TypeBox follows "Expected required
 * property" with the check of the absent value, which only repeats it.
 */
export const describeSchemaErrors = (errors: Iterable<ValueError>): string => {
  const byPath = new Map<string, string[]>();
  const missing = new Set<string>();
  let more = false;
  for (const error of errors) {
    const messages = byPath.get(error.path);
    if (messages === undefined && byPath.size === MAX_PATHS) {
      more = true;
      break;
    }
    if (missing.has(error.path)) continue;
    if (error.type === ValueErrorType.ObjectRequiredProperty) missing.add(error.path);
    const message = explain(error);
    if (messages === undefined) byPath.set(error.path, [message]);
    else if (!messages.includes(message)) messages.push(message);
  }
  const lines = [...byPath].map(
    ([path, messages]) => `${path === '' ? '(root)' : path}: ${messages.join(', ')}`,
  );
  return truncate(`${lines.join('; ')}${more ? '; …' : ''}`, MAX_MESSAGE_LENGTH);
};
