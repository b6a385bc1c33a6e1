import { randomBytes } from 'node:crypto';

/** A source of identifiers, replaceable so tests can predict them. */
export interface IdGenerator {
  /** A new UUID string (36 characters). */
  uuid(): string;
}

/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits.
 * Time-ordered ids keep B-tree inserts local and make lists sort by creation for free.
 * Steps: write the timestamp big-endian into bytes 0-5, fill the rest with random bytes,
 * set the version nibble (7) and the RFC variant bits, format as 8-4-4-4-12 hex.
 */
export function uuidv7(nowMs: number = Date.now()): string {
  const bytes = randomBytes(16);
  let time = nowMs;
  for (let index = 5; index >= 0; index--) {
    bytes[index] = time & 0xff;
    time = Math.floor(time / 256);
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The default generator: UUIDv7 from the machine clock. */
export const uuidV7Generator: IdGenerator = { uuid: () => uuidv7() };
