import { createHash, createHmac, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../../platform/clock.js';
import { uuidv7 } from '../../../platform/ids.js';
import { defineTool, ToolError } from '../tool.js';
import type { RegisteredTool } from '../tool-registry.js';
import { decodeHtmlEntities, decodeUnicodeEscapes, encodeHtmlEntities, encodeUnicodeEscapes } from './text-escapes.js';

const MAX_INPUT_LENGTH = 5_000_000;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes as UTF-8 text, or as hex with a note when they are not valid UTF-8 (binary data). */
function bytesToText(bytes: Buffer): { output: string; note?: string } {
  try {
    return { output: utf8.decode(bytes) };
  } catch {
    return { output: bytes.toString('hex'), note: 'The decoded bytes are not UTF-8 text; they are shown as hex' };
  }
}

function decodeBytes(text: string, encoding: 'base64' | 'base64url' | 'hex'): Buffer {
  const compact = text.replace(/\s+/g, '');
  const patterns = { base64: /^[A-Za-z0-9+/]*={0,2}$/, base64url: /^[A-Za-z0-9_-]*={0,2}$/, hex: /^(?:0x)?(?:[0-9a-fA-F]{2})*$/ };
  if (!patterns[encoding].test(compact) || (encoding !== 'hex' && compact.replace(/=+$/, '').length % 4 === 1)) {
    const hint = encoding === 'base64' && /[-_]/.test(compact) ? ' (it looks like base64url)' : '';
    throw new ToolError(`The input is not valid ${encoding}${hint}`);
  }
  return Buffer.from(encoding === 'hex' ? compact.replace(/^0x/, '') : compact, encoding);
}

function encode(text: string, encoding: Encoding): string {
  switch (encoding) {
    case 'base64':
    case 'base64url':
    case 'hex':
      return Buffer.from(text, 'utf8').toString(encoding);
    case 'url':
      return encodeURIComponent(text);
    case 'html':
      return encodeHtmlEntities(text);
    case 'unicode':
      return encodeUnicodeEscapes(text);
  }
}

function decode(text: string, encoding: Encoding): { output: string; note?: string } {
  switch (encoding) {
    case 'base64':
    case 'base64url':
    case 'hex':
      return bytesToText(decodeBytes(text, encoding));
    case 'url':
      try {
        return { output: decodeURIComponent(text) };
      } catch {
        throw new ToolError('The input has a malformed %-escape (each % must be followed by two hex digits of valid UTF-8)');
      }
    case 'html':
      return { output: decodeHtmlEntities(text) };
    case 'unicode':
      return { output: decodeUnicodeEscapes(text) };
  }
}

const encodings = ['base64', 'base64url', 'url', 'hex', 'html', 'unicode'] as const;
type Encoding = (typeof encodings)[number];

const encodeDecode = defineTool({
  name: 'encode_decode',
  category: 'data',
  description:
    'Encodes text to, or decodes it from: base64, base64url (URL-safe, no padding), url (percent-encoding of a URL ' +
    'component; "+" is kept as is), hex (of the UTF-8 bytes), html (entities such as &amp; &lt; &#39; &#x1F600;) or ' +
    'unicode (\\uXXXX escapes as in JSON and JavaScript). Decoded bytes that are not UTF-8 text come back as hex.',
  inputSchema: z.object({
    text: z.string().max(MAX_INPUT_LENGTH).describe('The text to encode or decode'),
    encoding: z.enum(encodings).describe('The encoding'),
    direction: z.enum(['encode', 'decode']).describe('encode: plain text -> encoding; decode: encoding -> plain text'),
  }),
  async execute({ text, encoding, direction }) {
    return { encoding, direction, ...(direction === 'encode' ? { output: encode(text, encoding) } : decode(text, encoding)) };
  },
});

const hash = defineTool({
  name: 'hash',
  category: 'data',
  description:
    'Computes a cryptographic digest of text: md5, sha1, sha256, sha384, sha512 or sha3-256, or an HMAC of it when ' +
    'a key is given (e.g. to check a webhook signature). Output in hex or base64. md5 and sha1 are broken for ' +
    'security and only fit for checksums.',
  inputSchema: z.object({
    text: z.string().max(MAX_INPUT_LENGTH).describe('The data to hash'),
    algorithm: z.enum(['md5', 'sha1', 'sha256', 'sha384', 'sha512', 'sha3-256']).default('sha256').describe('The hash function'),
    key: z.string().max(10_000).optional().describe('Secret key: when given, the result is an HMAC'),
    inputEncoding: z.enum(['utf8', 'hex', 'base64']).default('utf8').describe('How `text` (and `key`) encode their bytes'),
    outputEncoding: z.enum(['hex', 'base64']).default('hex').describe('How to write the digest'),
  }),
  async execute({ text, algorithm, key, inputEncoding, outputEncoding }) {
    const bytes = (value: string): Buffer => (inputEncoding === 'utf8' ? Buffer.from(value, 'utf8') : decodeBytes(value, inputEncoding));
    const digest = (key === undefined ? createHash(algorithm) : createHmac(algorithm, bytes(key))).update(bytes(text)).digest(outputEncoding);
    return { digest, algorithm, hmac: key !== undefined, outputEncoding };
  },
});

function decodeJwtPart(part: string, name: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(decodeBytes(part, 'base64url')));
  } catch (error) {
    if (error instanceof ToolError) throw new ToolError(`The JWT ${name} is not valid base64url`);
    throw new ToolError(`The JWT ${name} is not a JSON object`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ToolError(`The JWT ${name} is not a JSON object`);
  return value as Record<string, unknown>;
}

function claimTime(payload: Record<string, unknown>, claim: string): number | null {
  const value = payload[claim];
  return Object.hasOwn(payload, claim) && typeof value === 'number' && Number.isFinite(value) ? value * 1000 : null;
}

function jwtDecodeTool(clock: Clock) {
  return defineTool({
    name: 'jwt_decode',
    category: 'data',
    description:
      'Decodes a JSON Web Token (JWS, three dot-separated parts) into its header and payload, and reads the time ' +
      'claims iat, nbf and exp as dates with whether the token is expired. It does NOT verify the signature, so ' +
      'the claims must not be trusted for authorisation.',
    inputSchema: z.object({ token: z.string().min(1).max(100_000).describe('The JWT, with or without a "Bearer " prefix') }),
    async execute({ token }) {
      const parts = token.trim().replace(/^Bearer\s+/i, '').split('.');
      if (parts.length === 5) throw new ToolError('This is an encrypted JWT (JWE): its payload cannot be read without the key');
      if (parts.length !== 3) throw new ToolError(`A JWT has three parts separated by dots; this has ${parts.length}`);
      const header = decodeJwtPart(parts[0]!, 'header');
      const payload = decodeJwtPart(parts[1]!, 'payload');
      const now = clock.now().getTime();
      const [issuedAt, notBefore, expiresAt] = ['iat', 'nbf', 'exp'].map((claim) => claimTime(payload, claim));
      const iso = (time: number | null | undefined): string | null => (time == null ? null : new Date(time).toISOString());
      return {
        header,
        payload,
        signature: parts[2],
        verified: false,
        warning: 'The signature was NOT verified; anyone can forge these claims. Verify it with the issuer key before trusting them.',
        claims: {
          issuedAt: iso(issuedAt),
          notBefore: iso(notBefore),
          expiresAt: iso(expiresAt),
          expired: expiresAt == null ? null : expiresAt <= now,
          notYetValid: notBefore == null ? null : notBefore > now,
        },
      };
    },
  });
}

function uuidGenerateTool(clock: Clock) {
  return defineTool({
    name: 'uuid_generate',
    category: 'data',
    description:
      'Generates random UUIDs: version 4 (fully random) or version 7 (time-ordered: sorts by creation time, good for ' +
      'database keys). A batch of v7 UUIDs is returned in ascending order.',
    inputSchema: z.object({
      version: z.enum(['v4', 'v7']).default('v4').describe('UUID version'),
      count: z.number().int().min(1).max(1_000).default(1).describe('How many UUIDs'),
    }),
    async execute({ version, count }) {
      const make = version === 'v4' ? () => randomUUID() : () => uuidv7(clock.now().getTime());
      const uuids = Array.from({ length: count }, make);
      return { version, uuids: version === 'v7' ? uuids.sort() : uuids };
    },
  });
}

/** Encodings, hashes, JWT decoding and UUIDs; the clock judges token expiry and stamps v7 UUIDs. */
export function createEncodingTools(clock: Clock): RegisteredTool[] {
  return [encodeDecode, hash, jwtDecodeTool(clock), uuidGenerateTool(clock)];
}
