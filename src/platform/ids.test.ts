import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { uuidV7Generator, uuidv7 } from './ids.js';

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The Unix milliseconds stored in the first 48 bits of a UUIDv7. */
function timestampOf(id: string): number {
  return Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);
}

describe('uuidv7', () => {
  it('has the 8-4-4-4-12 lower-case hex shape', () => {
    const id = uuidv7();

    expect(id).toHaveLength(36);
    expect(id).toMatch(uuidShape);
  });

  it('sets the version nibble to 7 and the RFC 9562 variant bits to 10', () => {
    for (let index = 0; index < 200; index++) {
      const id = uuidv7();

      expect(id[14]).toBe('7');
      expect(['8', '9', 'a', 'b']).toContain(id[19]);
    }
  });

  it('is accepted by zod, as a UUID and as a version 7 UUID', () => {
    const id = uuidv7();

    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(z.uuid({ version: 'v7' }).safeParse(id).success).toBe(true);
    expect(z.uuid({ version: 'v4' }).safeParse(id).success).toBe(false);
  });

  it.each([0, 1, 255, 256, 1_767_225_600_000, 2 ** 32 + 5, 2 ** 48 - 1])(
    'encodes %d ms in the first 48 bits',
    (milliseconds) => {
      expect(timestampOf(uuidv7(milliseconds))).toBe(milliseconds);
    },
  );

  it('encodes the current time when no time is given', () => {
    const before = Date.now();
    const id = uuidv7();
    const after = Date.now();

    expect(timestampOf(id)).toBeGreaterThanOrEqual(before);
    expect(timestampOf(id)).toBeLessThanOrEqual(after);
  });

  it('sorts lexicographically in the order of increasing milliseconds', () => {
    const start = 1_767_225_600_000;
    const steps = [0, 1, 2, 255, 256, 1000, 65_536, 2 ** 24, 2 ** 32];
    const ids = steps.map((step) => uuidv7(start + step));

    expect([...ids].sort()).toEqual(ids);
    expect([...ids].reverse().sort()).toEqual(ids);
  });

  it('gives 10,000 distinct ids within the same millisecond', () => {
    const ids = Array.from({ length: 10_000 }, () => uuidv7(1_767_225_600_000));

    expect(new Set(ids).size).toBe(10_000);
  });

  it('keeps 74 random bits: ids of the same millisecond differ after the timestamp', () => {
    const first = uuidv7(42).replaceAll('-', '');
    const second = uuidv7(42).replaceAll('-', '');

    expect(first.slice(0, 12)).toBe(second.slice(0, 12));
    expect(first.slice(12)).not.toBe(second.slice(12));
  });
});

describe('uuidV7Generator', () => {
  it('produces distinct version 7 UUIDs', () => {
    const first = uuidV7Generator.uuid();
    const second = uuidV7Generator.uuid();

    expect(z.uuid({ version: 'v7' }).safeParse(first).success).toBe(true);
    expect(first).not.toBe(second);
  });
});
