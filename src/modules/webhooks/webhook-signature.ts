import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries the secret itself (simple senders). */
export const SECRET_HEADER = 'x-webhook-secret';
/** The header that carries `sha256=<hex>`, an HMAC-SHA256 of the raw body keyed by the secret. */
export const SIGNATURE_HEADER = 'x-webhook-signature';

/** The signature a sender puts in X-Webhook-Signature for this body. */
export function signWebhookBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Compares in constant time, so the answer's timing tells nothing about the expected value. */
function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Why a call does not prove it knows `secret` (null when it does): either the secret itself or a
 * signature of the raw body, which keeps the secret off the wire.
 */
export function webhookCredentialProblem(secret: string, credentials: { secret?: string; signature?: string; rawBody: Buffer }): string | null {
  if (credentials.signature !== undefined) {
    return sameText(credentials.signature.toLowerCase(), signWebhookBody(secret, credentials.rawBody)) ? null : 'the signature does not match the body';
  }
  if (credentials.secret !== undefined) return sameText(credentials.secret, secret) ? null : 'wrong secret';
  return 'no secret and no signature';
}
