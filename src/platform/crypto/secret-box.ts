import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../errors/app-error.js';

const algorithm = 'aes-256-gcm';
const keyBytes = 32;
const ivBytes = 12;
const tagBytes = 16;
const version = 'v1';
const prefix = `${version}.`;
const base64url = /^[A-Za-z0-9_-]*$/;

/** Why a sealed secret could not be opened; safe to log, it says nothing about the secret. */
export type SecretUnreadableReason = 'malformed' | 'unknown_version' | 'authentication_failed';

function unreadable(reason: SecretUnreadableReason, cause?: unknown): AppError {
  return new AppError({
    code: 'SECRET_UNREADABLE',
    category: 'internal',
    message: 'A stored secret could not be decrypted',
    details: { reason },
    cause,
  });
}

/** Splits `v1.<base64url>` into its bytes; strict, so a re-encoded or padded copy is refused too. */
function decodeBody(sealed: string): Buffer {
  const dot = sealed.indexOf('.');
  if (dot <= 0) throw unreadable('malformed');
  if (sealed.slice(0, dot) !== version) throw unreadable('unknown_version');
  const body = sealed.slice(dot + 1);
  // Node's decoder skips characters it does not know; checking first keeps garbage from decoding to something.
  if (!base64url.test(body)) throw unreadable('malformed');
  const bytes = Buffer.from(body, 'base64url');
  if (bytes.toString('base64url') !== body || bytes.length < ivBytes + tagBytes) throw unreadable('malformed');
  return bytes;
}

/**
 * Encrypts secrets at rest (provider API keys, tool credentials) with AES-256-GCM, so a leaked
 * database row is useless without the key and any change to a stored value is detected.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (!Buffer.isBuffer(key) || key.length !== keyBytes) {
      const got = Buffer.isBuffer(key) ? `${key.length} bytes` : 'not a Buffer';
      throw new Error(`SecretBox needs a ${keyBytes}-byte key, got ${got}`);
    }
    // A private copy: the caller zeroing or reusing its buffer must not change what we decrypt with.
    this.key = Buffer.from(key);
  }

  /** Encrypts `plaintext` into `v1.` + base64url(IV ‖ tag ‖ ciphertext), with a fresh random IV each call. */
  seal(plaintext: string): string {
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv(algorithm, this.key, iv, { authTagLength: tagBytes });
    // The version is authenticated data, so a body cannot be replayed under another format's rules.
    cipher.setAAD(Buffer.from(version));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return prefix + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
  }

  /** Decrypts a value made by `seal`; throws SECRET_UNREADABLE if it was altered, cut, or sealed with another key. */
  open(sealed: string): string {
    if (typeof sealed !== 'string') throw unreadable('malformed');
    const bytes = decodeBody(sealed);
    const iv = bytes.subarray(0, ivBytes);
    const tag = bytes.subarray(ivBytes, ivBytes + tagBytes);
    const ciphertext = bytes.subarray(ivBytes + tagBytes);
    try {
      const decipher = createDecipheriv(algorithm, this.key, iv, { authTagLength: tagBytes });
      decipher.setAAD(Buffer.from(version));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch (error) {
      throw unreadable('authentication_failed', error);
    }
  }
}

/**
 * Shows enough of a secret to recognise it in a list (`sk-…1234`) and never the whole of it:
 * at most the first 3 and last 4 characters, and only the last 2 of a value of 8 or fewer.
 */
export function maskSecret(value: string): string {
  // Code points, not UTF-16 units, so a mask never splits a surrogate pair into garbage.
  const characters = Array.from(value);
  const length = characters.length;
  if (length === 0) return '';
  if (length <= 3) return '…'; // Two characters out of three would be nearly the whole secret.
  if (length <= 8) return `…${characters.slice(-2).join('')}`;
  return `${characters.slice(0, 3).join('')}…${characters.slice(-4).join('')}`;
}
