import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { maskSecret, SecretBox } from './secret-box.js';

const key = randomBytes(32);
const secret = 'sk-proj-abcdefgh1234';

/** The error `action` throws, so a test can look at code, category and message. */
function thrown(action: () => unknown): AppError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected the action to throw');
}

function expectUnreadable(action: () => unknown, plaintext = secret): void {
  const error = thrown(action);
  expect(error.code).toBe('SECRET_UNREADABLE');
  expect(error.category).toBe('internal');
  expect(error.message).not.toContain(plaintext);
  expect(error.message).not.toContain(key.toString('hex'));
  expect(error.message).not.toContain(key.toString('base64'));
  expect(JSON.stringify(error.details)).not.toContain(plaintext);
}

/** `sealed` with one byte of its decoded body flipped at `index`, re-encoded the canonical way. */
function flipByte(sealed: string, index: number): string {
  const bytes = Buffer.from(sealed.slice('v1.'.length), 'base64url');
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  return `v1.${bytes.toString('base64url')}`;
}

describe('SecretBox', () => {
  const box = new SecretBox(key);

  it.each([
    ['ASCII', secret],
    ['Chinese', '天工开物，巧夺天工'],
    ['empty', ''],
    ['10 KB', 'x'.repeat(10 * 1024)],
    ['emoji and newlines', 'line one\nline two 🔑'],
  ])('round-trips %s text', (_name, plaintext) => {
    expect(box.open(box.seal(plaintext))).toBe(plaintext);
  });

  it('writes a versioned base64url string', () => {
    expect(box.seal(secret)).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
  });

  it('gives different output each time the same text is sealed', () => {
    const first = box.seal(secret);
    const second = box.seal(secret);

    expect(first).not.toBe(second);
    expect(box.open(first)).toBe(secret);
    expect(box.open(second)).toBe(secret);
  });

  it('never carries the plaintext in the sealed output', () => {
    const sealed = box.seal(secret);

    expect(sealed).not.toContain(secret);
    expect(sealed).not.toContain(Buffer.from(secret).toString('base64url'));
    expect(Buffer.from(sealed.slice(3), 'base64url').includes(Buffer.from(secret))).toBe(false);
  });

  it.each([
    ['IV', 0],
    ['IV end', 11],
    ['tag', 12],
    ['tag end', 27],
    ['ciphertext', 28],
    ['ciphertext end', 28 + secret.length - 1],
  ])('refuses a sealed value with one byte of the %s changed', (_part, index) => {
    expectUnreadable(() => box.open(flipByte(box.seal(secret), index)));
  });

  it('refuses a truncated value', () => {
    const sealed = box.seal(secret);

    expectUnreadable(() => box.open(sealed.slice(0, -4)));
    expectUnreadable(() => box.open(sealed.slice(0, 3 + 20)));
    expectUnreadable(() => box.open('v1.'));
  });

  it('refuses a value with trailing or foreign characters added', () => {
    const sealed = box.seal(secret);

    expectUnreadable(() => box.open(`${sealed}A`));
    expectUnreadable(() => box.open(`${sealed}==`));
    expectUnreadable(() => box.open(`${sealed.slice(0, 10)}!${sealed.slice(10)}`));
  });

  it('refuses an unknown version', () => {
    const sealed = box.seal(secret);

    const error = thrown(() => box.open(`v2.${sealed.slice(3)}`));
    expect(error.code).toBe('SECRET_UNREADABLE');
    expect(error.details).toEqual({ reason: 'unknown_version' });
  });

  it('refuses a value sealed with another key', () => {
    const sealed = new SecretBox(randomBytes(32)).seal(secret);

    const error = thrown(() => box.open(sealed));
    expect(error.details).toEqual({ reason: 'authentication_failed' });
    expectUnreadable(() => box.open(sealed));
  });

  it.each(['', 'garbage', 'v1', '.abc', 'v1.***', secret, 'v1.' + 'A'.repeat(40)])(
    'refuses garbage input %j',
    (input) => {
      expectUnreadable(() => box.open(input));
    },
  );

  it('refuses a key that is not exactly 32 bytes', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32-byte key, got 16 bytes/);
    expect(() => new SecretBox(randomBytes(33))).toThrow(/32-byte key/);
    expect(() => new SecretBox(Buffer.alloc(0))).toThrow(/32-byte key/);
    expect(() => new SecretBox('x'.repeat(32) as unknown as Buffer)).toThrow(/not a Buffer/);
  });

  it('keeps its own copy of the key', () => {
    const callerKey = Buffer.from(key);
    const ownBox = new SecretBox(callerKey);
    const sealed = ownBox.seal(secret);

    callerKey.fill(0);

    expect(ownBox.open(sealed)).toBe(secret);
  });
});

describe('maskSecret', () => {
  it.each([
    ['sk-proj-abcdefgh1234', 'sk-…1234'],
    ['123456789', '123…6789'],
    ['abcdefgh', '…gh'],
    ['abcdef', '…ef'],
    ['abcd', '…cd'],
    ['abc', '…'],
    ['a', '…'],
    ['', ''],
    ['密钥密钥密钥密钥密钥', '密钥密…密钥密钥'],
  ])('masks %j as %j', (value, masked) => {
    expect(maskSecret(value)).toBe(masked);
  });

  it('never reveals more than 7 characters nor the whole value', () => {
    for (let length = 1; length <= 64; length += 1) {
      const value = Array.from({ length }, (_, index) => String.fromCharCode(97 + (index % 26))).join('');
      const visible = maskSecret(value).replace('…', '');

      expect(visible.length).toBeLessThanOrEqual(7);
      expect(visible.length).toBeLessThan(length);
      expect(maskSecret(value)).not.toBe(value);
    }
  });

  it('does not split a surrogate pair', () => {
    expect(maskSecret('🔑🔑🔑-secret-🔐🔐')).toBe('🔑🔑🔑…t-🔐🔐');
  });
});
