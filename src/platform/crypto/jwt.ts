import { errors, jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../clock.js';

/** The claims Tiangong puts in an access token. */
export interface TokenClaims {
  /** The user id. */
  sub: string;
  role: 'admin' | 'user';
}

/** Why a token was refused; the HTTP edge turns every reason into 401. */
export type TokenRejection = 'malformed' | 'expired' | 'invalid';

/** The outcome of checking a token: its claims, or why it was refused. */
export type VerifyResult = { ok: true; claims: TokenClaims } | { ok: false; reason: TokenRejection };

/** Keys and checks of the TokenService. */
export interface TokenServiceOptions {
  secret: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
  clock: Clock;
}

/**
 * Issues and checks HS256 access tokens. The algorithm is pinned on verify, so `alg: none`
 * and every other algorithm are refused; `exp`, `iss` and `aud` are required and checked.
 */
export class TokenService {
  private readonly key: Uint8Array;
  /**
   * Tokens already verified, by their full text (signature included), with their expiry. A token
   * string that verified once verifies again until `exp`; HMAC through WebCrypto costs ~130 µs,
   * which is most of an authenticated request's overhead.
   */
  private readonly verified = new Map<string, { claims: TokenClaims; expiresAt: number }>();
  private static readonly maxVerified = 10_000;

  constructor(private readonly options: TokenServiceOptions) {
    this.key = new TextEncoder().encode(options.secret);
  }

  /** Signs a token for `claims`, valid for the configured TTL from the clock's now. */
  async issue(claims: TokenClaims): Promise<{ token: string; expiresIn: number }> {
    const issuedAt = Math.floor(this.options.clock.now().getTime() / 1000);
    const token = await new SignJWT({ role: claims.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.options.ttlSeconds)
      .sign(this.key);
    return { token, expiresIn: this.options.ttlSeconds };
  }

  /** Checks signature, algorithm, expiry, issuer and audience, and the shape of the claims. */
  async verify(token: string): Promise<VerifyResult> {
    const now = this.options.clock.now().getTime();
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAt > now) return { ok: true, claims: known.claims };
      this.verified.delete(token);
    }
    const result = await this.verifySignature(token);
    if (result.ok) this.remember(token, result.claims, result.expiresAt);
    return result.ok ? { ok: true, claims: result.claims } : result;
  }

  private remember(token: string, claims: TokenClaims, expiresAt: number): void {
    if (this.verified.size >= TokenService.maxVerified) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(token, { claims, expiresAt });
  }

  private async verifySignature(
    token: string,
  ): Promise<{ ok: true; claims: TokenClaims; expiresAt: number } | { ok: false; reason: TokenRejection }> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: this.options.issuer,
        audience: this.options.audience,
        requiredClaims: ['exp', 'sub'],
        currentDate: this.options.clock.now(),
      });
      const role = payload.role;
      if (typeof payload.sub !== 'string' || (role !== 'admin' && role !== 'user')) {
        return { ok: false, reason: 'invalid' };
      }
      return { ok: true, claims: { sub: payload.sub, role }, expiresAt: (payload.exp ?? 0) * 1000 };
    } catch (error) {
      if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
      if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
        return { ok: false, reason: 'malformed' };
      }
      return { ok: false, reason: 'invalid' };
    }
  }
}
