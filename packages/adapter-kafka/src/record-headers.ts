/** Kafka record headers: what this adapter writes on events, and how it reads headers back. */
import type { IHeaders } from 'kafkajs';

/** Headers on every `order.cancelled` record cancel-sync publishes, so routers need not parse JSON. */
export const EVENT_HEADERS = {
  eventId: 'event-id',
  source: 'source',
  contentType: 'content-type',
  schemaVersion: 'schema-version',
} as const;

export const JSON_CONTENT_TYPE = 'application/json';

/**
 * Header values as UTF-8 strings. A header sent more than once keeps its last value; an absent
 * value (a header with no bytes) is dropped.
 */
export const headersAsText = (headers: IHeaders | undefined): Readonly<Record<string, string>> => {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value.at(-1) : value;
    if (last !== undefined) text[name] = last.toString();
  }
  return text;
};
