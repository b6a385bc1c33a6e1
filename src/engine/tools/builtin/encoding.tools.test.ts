import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { FixedClock } from '../../../test-kit/fixed-clock.js';
import { createEncodingTools } from './encoding.tools.js';
import { runTool, toolErrorOf } from './tool-test-kit.js';

const clock = new FixedClock('2024-01-01T00:00:00.000Z');
const tools = createEncodingTools(clock);
const run = <Output = Record<string, unknown>>(name: string, input: unknown) => runTool<Output>(tools, name, input);
const failure = (name: string, input: unknown) => toolErrorOf(tools, name, input);

describe('encode_decode', () => {
  it.each([
    ['base64', 'héllo 👋', 'aMOpbGxvIPCfkYs='],
    ['base64url', 'subjects?_d>', 'c3ViamVjdHM_X2Q-'],
    ['url', 'a b&c=d/é', 'a%20b%26c%3Dd%2F%C3%A9'],
    ['hex', 'Hi!', '486921'],
    ['html', `<a href="x">Tom & Jerry's</a>`, '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;'],
    ['unicode', 'é😀\n', '\\u00e9\\ud83d\\ude00\\u000a'],
  ])('%s encodes %j and decodes it back', async (encoding, text, encoded) => {
    expect(await run('encode_decode', { text, encoding, direction: 'encode' })).toEqual({ encoding, direction: 'encode', output: encoded });
    expect(await run('encode_decode', { text: encoded, encoding, direction: 'decode' })).toEqual({ encoding, direction: 'decode', output: text });
  });

  it('decodes the extra forms people paste', async () => {
    const decode = async (encoding: string, text: string) => (await run('encode_decode', { text, encoding, direction: 'decode' })).output;

    expect(await decode('base64', 'aGVs\nbG8=')).toBe('hello');
    expect(await decode('base64url', 'aGVsbG8')).toBe('hello');
    expect(await decode('hex', '0x48 69')).toBe('Hi');
    expect(await decode('html', '&copy; 2024 &mdash; &#x1F600; &#65; &unknown; &#0;')).toBe('© 2024 — 😀 A &unknown; &#0;');
    expect(await decode('unicode', 'caf\\u{e9} \\x41 \\n')).toBe('café A \\n');
  });

  it('returns binary data as hex with a note', async () => {
    expect(await run('encode_decode', { text: 'iVBORw0KGgo=', encoding: 'base64', direction: 'decode' })).toEqual({
      encoding: 'base64',
      direction: 'decode',
      output: '89504e470d0a1a0a',
      note: 'The decoded bytes are not UTF-8 text; they are shown as hex',
    });
  });

  it('rejects malformed input', async () => {
    expect((await failure('encode_decode', { text: 'abc$', encoding: 'base64', direction: 'decode' })).message).toBe('The input is not valid base64');
    expect((await failure('encode_decode', { text: 'c3ViamVjdHM_X2Q-', encoding: 'base64', direction: 'decode' })).message).toMatch(/looks like base64url/);
    expect((await failure('encode_decode', { text: 'abcde', encoding: 'base64', direction: 'decode' })).message).toMatch(/not valid base64/);
    expect((await failure('encode_decode', { text: 'abc', encoding: 'hex', direction: 'decode' })).message).toMatch(/not valid hex/);
    expect((await failure('encode_decode', { text: '%E0%A4%A', encoding: 'url', direction: 'decode' })).message).toMatch(/malformed %-escape/);
    await expect(run('encode_decode', { text: 'x', encoding: 'rot13', direction: 'encode' })).rejects.toThrow(ZodError);
  });
});

describe('hash', () => {
  it.each([
    ['md5', '900150983cd24fb0d6963f7d28e17f72'],
    ['sha1', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ['sha256', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['sha512', 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f'],
    ['sha3-256', '3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532'],
  ])('%s("abc")', async (algorithm, digest) => {
    expect(await run('hash', { text: 'abc', algorithm })).toEqual({ digest, algorithm, hmac: false, outputEncoding: 'hex' });
  });

  it('computes HMACs and base64 output, and reads hex input', async () => {
    expect(await run('hash', { text: 'The quick brown fox jumps over the lazy dog', key: 'key' })).toMatchObject({
      digest: 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
      hmac: true,
    });
    expect((await run('hash', { text: 'abc', outputEncoding: 'base64' })).digest).toBe('ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=');
    expect((await run('hash', { text: '616263', inputEncoding: 'hex' })).digest).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('rejects undecodable input and unknown algorithms', async () => {
    expect((await failure('hash', { text: 'xyz', inputEncoding: 'hex' })).message).toMatch(/not valid hex/);
    await expect(run('hash', { text: 'abc', algorithm: 'crc32' })).rejects.toThrow(ZodError);
  });
});

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('jwt_decode', () => {
  const header = { alg: 'HS256', typ: 'JWT' };
  const payload = { sub: '123', name: 'Ada', iat: 1_700_000_000, exp: 1_700_003_600 };
  const token = `${base64url(header)}.${base64url(payload)}.c2lnbmF0dXJl`;

  it('decodes header, payload and time claims, and says it did not verify', async () => {
    expect(await run('jwt_decode', { token: `Bearer ${token}` })).toEqual({
      header,
      payload,
      signature: 'c2lnbmF0dXJl',
      verified: false,
      warning: expect.stringMatching(/NOT verified/),
      claims: {
        issuedAt: '2023-11-14T22:13:20.000Z',
        notBefore: null,
        expiresAt: '2023-11-14T23:13:20.000Z',
        expired: true,
        notYetValid: null,
      },
    });
  });

  it('judges expiry and not-before against the injected clock', async () => {
    const future = `${base64url(header)}.${base64url({ nbf: 1_800_000_000, exp: 1_900_000_000 })}.`;

    expect((await run('jwt_decode', { token: future })).claims).toMatchObject({ expired: false, notYetValid: true });
  });

  it('rejects tokens that are not JWS', async () => {
    expect((await failure('jwt_decode', { token: 'abc.def' })).message).toMatch(/three parts.*this has 2/);
    expect((await failure('jwt_decode', { token: 'a.b.c.d.e' })).message).toMatch(/encrypted JWT/);
    expect((await failure('jwt_decode', { token: `${base64url(header)}.bm90IGpzb24.x` })).message).toBe('The JWT payload is not a JSON object');
    expect((await failure('jwt_decode', { token: `${base64url([1])}.${base64url(payload)}.x` })).message).toBe('The JWT header is not a JSON object');
    expect((await failure('jwt_decode', { token: `$$$.${base64url(payload)}.x` })).message).toBe('The JWT header is not valid base64url');
  });
});

describe('uuid_generate', () => {
  it('generates distinct version 4 UUIDs', async () => {
    const { uuids } = await run<{ uuids: string[] }>('uuid_generate', { count: 20 });

    expect(uuids).toHaveLength(20);
    expect(new Set(uuids).size).toBe(20);
    expect(uuids.every((uuid) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(uuid))).toBe(true);
  });

  it('generates sorted version 7 UUIDs stamped with the clock', async () => {
    const { uuids } = await run<{ uuids: string[] }>('uuid_generate', { version: 'v7', count: 5 });
    const stamp = clock.now().getTime().toString(16).padStart(12, '0');

    expect([...uuids].sort()).toEqual(uuids);
    expect(uuids.every((uuid) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(uuid))).toBe(true);
    expect(uuids.every((uuid) => uuid.replace('-', '').startsWith(stamp))).toBe(true);
  });

  it('rejects counts outside 1 to 1000', async () => {
    await expect(run('uuid_generate', { count: 0 })).rejects.toThrow(ZodError);
    await expect(run('uuid_generate', { count: 1_001 })).rejects.toThrow(ZodError);
  });
});
