import { describe, expect, it } from 'vitest';
import { isDateTime, isUuid } from '../src/formats.ts';

describe('uuid format', () => {
  it.each([
    '3f0b6a8e-2c4d-4e1f-9a7b-5c6d7e8f9a0b',
    '3F0B6A8E-2C4D-4E1F-9A7B-5C6D7E8F9A0B',
    '01890a5d-ac96-774b-bcce-b302099a8057',
    '00000000-0000-0000-0000-000000000000',
  ])('accepts %s', (value) => expect(isUuid(value)).toBe(true));

  it.each([
    '',
    'not-a-uuid',
    '3f0b6a8e2c4d4e1f9a7b5c6d7e8f9a0b',
    '{3f0b6a8e-2c4d-4e1f-9a7b-5c6d7e8f9a0b}',
    'urn:uuid:3f0b6a8e-2c4d-4e1f-9a7b-5c6d7e8f9a0b',
    '3f0b6a8e-2c4d-4e1f-9a7b-5c6d7e8f9a0b ',
    '3f0b6a8e-2c4d-4e1f-9a7b-5c6d7e8f9a0',
  ])('refuses %j', (value) => expect(isUuid(value)).toBe(false));
});

describe('date-time format', () => {
  it.each([
    '2025-06-01T12:00:00Z',
    '2025-06-01T12:00:00.123456789Z',
    '2025-06-01t12:00:00z',
    '2025-06-01T12:00:00+05:30',
    '2024-02-29T00:00:00Z',
    '1999-12-31T23:59:59-08:00',
  ])('accepts %s', (value) => expect(isDateTime(value)).toBe(true));

  it.each([
    '',
    '2025-06-01',
    '2025-06-01T12:00:00',
    '2025-06-01 12:00:00Z',
    '2025-06-01T12:00Z',
    '2023-02-29T00:00:00Z',
    '2025-04-31T00:00:00Z',
    '2025-00-10T00:00:00Z',
    '2025-06-01T24:00:00Z',
    '2025-06-01T12:60:00Z',
    '2025-06-01T23:59:60Z',
    '2025-06-01T12:00:00+24:00',
    '2025-06-01T12:00:00.Z',
    '+02025-06-01T12:00:00Z',
  ])('refuses %j', (value) => expect(isDateTime(value)).toBe(false));
});
