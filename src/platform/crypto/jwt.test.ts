import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../test-kit/fixed-clock.js';
import { TokenService } from './jwt.js';

const secret = 'unit-test-secret-that-is-long-enough-abcdef';

function service(clock = new FixedClock(), overrides: Partial<{ issuer: string; audience: string }> = {}) {
  return new TokenService({ secret, issuer: 'tiangong', audience: 'tiangong-api', ttlSeconds: 3600, clock, ...overrides });
}

/** A token signed with the test secret, but with the algorithm, role and expiry the test picks. */
function forge(options: { alg?: string; role?: string; expiresInSeconds?: number | null } = {}): Promise<string> {
  const now = Math.floor(new FixedClock().now().getTime() / 1000);
  const builder = new SignJWT({ role: options.role ?? 'admin' })
    .setProtectedHeader({ alg: options.alg ?? 'HS256' })
    .setSubject(randomUUID())
    .setIssuer('tiangong')
    .setAudience('tiangong-api');
  if (options.expiresInSeconds !== null) builder.setExpirationTime(now + (options.expiresInSeconds ?? 60));
  return builder.sign(new TextEncoder().encode(secret));
}

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('TokenService', () => {
  it('issues a token that verifies to the same subject and role', async () => {
    const tokens = service();
    const userId = randomUUID();

    const { token, expiresIn } = await tokens.issue({ sub: userId, role: 'admin' });

    expect(expiresIn).toBe(3600);
    expect(await tokens.verify(token)).toEqual({ ok: true, claims: { sub: userId, role: 'admin' } });
  });

  it('refuses a token once its exp has passed', async () => {
    const clock = new FixedClock();
    const tokens = service(clock);
    const { token } = await tokens.issue({ sub: randomUUID(), role: 'user' });

    clock.advance(3601 * 1000);

    expect(await tokens.verify(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a token that verified before, once its exp has passed', async () => {
    const clock = new FixedClock();
    const tokens = service(clock);
    const { token } = await tokens.issue({ sub: randomUUID(), role: 'user' });
    const before = await tokens.verify(token);

    clock.advance(3601 * 1000);

    expect(before.ok).toBe(true);
    expect(await tokens.verify(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses another issuer or audience', async () => {
    const { token } = await service().issue({ sub: randomUUID(), role: 'user' });

    expect((await service(new FixedClock(), { issuer: 'other' }).verify(token)).ok).toBe(false);
    expect((await service(new FixedClock(), { audience: 'other' }).verify(token)).ok).toBe(false);
  });

  it('refuses alg none even with valid claims', async () => {
    const now = Math.floor(new FixedClock().now().getTime() / 1000);
    const claims = { sub: randomUUID(), role: 'admin', iss: 'tiangong', aud: 'tiangong-api', exp: now + 60 };
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;

    expect((await service().verify(unsigned)).ok).toBe(false);
  });

  it('refuses another HMAC algorithm signed with the same secret', async () => {
    const token = await forge({ alg: 'HS512' });

    expect((await service().verify(token)).ok).toBe(false);
  });

  it('refuses a token without exp', async () => {
    const token = await forge({ expiresInSeconds: null });

    expect((await service().verify(token)).ok).toBe(false);
  });

  it('refuses a tampered payload and an unknown role', async () => {
    const tokens = service();
    const { token } = await tokens.issue({ sub: randomUUID(), role: 'user' });
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const elevated = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'admin' };
    const superRole = await forge({ role: 'root' });

    expect((await tokens.verify(`${header}.${encode(elevated)}.${signature}`)).ok).toBe(false);
    expect(await tokens.verify(superRole)).toEqual({ ok: false, reason: 'invalid' });
  });

  it.each(['', 'abc', 'a.b.c', '....'])('calls %j malformed or invalid without throwing', async (token) => {
    const result = await service().verify(token);

    expect(result.ok).toBe(false);
  });
});
