/**
 * TypeBox checks no string `format` until one is registered: without these, a compiled schema would
 * refuse every value with `Unknown format`. Registering is global to the process, so the checks are
 * the standard ones (RFC 4122 uuid, RFC 3339 date-time) that any other TypeBox user would expect.
 */
import { FormatRegistry } from '@sinclair/typebox';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

export const isUuid = (value: string): boolean => UUID.test(value);

/** RFC 3339, except the leap second `:60`, which a JavaScript `Date` cannot hold. */
export const isDateTime = (value: string): boolean => {
  const match = DATE_TIME.exec(value);
  if (match === null) return false;
  const part = (index: number): number => Number(match[index] ?? 0);
  const [year, month, day] = [part(1), part(2), part(3)];
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    part(4) <= 23 &&
    part(5) <= 59 &&
    part(6) <= 59 &&
    part(7) <= 23 &&
    part(8) <= 59
  );
};

export const registerFormats = (): void => {
  FormatRegistry.Set('uuid', isUuid);
  FormatRegistry.Set('date-time', isDateTime);
};
