import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAgentOsPath } from '../src/faces/agentos/agentos.paths.js';
import { isPublicRoute, publicRoutes } from '../src/platform/http/public-routes.js';
import { buildTestApp, testSecrets, type TestApp } from '../src/test-kit/build-test-app.js';

/**
 * Walks every route the app registers and proves that each one not on the explicit public list
 * refuses a missing, garbage, expired, wrongly signed and `alg: none` token with 401 in the
 * uniform error shape. Routes added by later modules are covered without touching this file.
 */
let testApp: TestApp;
let forgedTokens: Record<string, string>;

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

async function signed(claims: Record<string, unknown>, secret: string, expiresAt: number): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(randomUUID())
    .setIssuer('tiangong')
    .setAudience('tiangong-api')
    .setIssuedAt(expiresAt - 3600)
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(secret));
}

beforeAll(async () => {
  testApp = await buildTestApp();
  const now = Math.floor(testApp.clock.now().getTime() / 1000);
  const claims = { role: 'admin', sub: randomUUID(), iss: 'tiangong', aud: 'tiangong-api', exp: now + 3600 };
  forgedTokens = {
    garbage: 'not-a-jwt',
    expired: await signed({ role: 'admin' }, testSecrets.jwtSecret, now - 60),
    'wrong key': await signed({ role: 'admin' }, 'another-secret-that-is-long-enough-0123456789', now + 3600),
    'alg none': `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`,
  };
});
afterAll(async () => {
  await testApp.close();
});

function concretePath(url: string): string {
  return url.replace(/:[A-Za-z_]+/g, randomUUID()).replace(/\*$/, 'anything');
}

function protectedRoutes() {
  return testApp.app.routeTable.filter((route) => !isPublicRoute(route.method, route.url));
}

describe('route table', () => {
  it('has protected routes and every public entry names a real route', () => {
    const registered = new Set(testApp.app.routeTable.map((route) => `${route.method} ${route.url}`));

    expect(protectedRoutes().length).toBeGreaterThan(0);
    for (const entry of publicRoutes) expect(registered, entry).toContain(entry);
  });

  it('answers 401 on every protected route without a token or with a bad one', async () => {
    const failures: string[] = [];
    for (const route of protectedRoutes()) {
      const url = concretePath(route.url);
      const attempts: Array<[string, Record<string, string>]> = [
        ['no token', {}],
        ['not bearer', { authorization: 'Basic dXNlcjpwYXNz' }],
        ...Object.entries(forgedTokens).map(
          ([name, token]): [string, Record<string, string>] => [name, { authorization: `Bearer ${token}` }],
        ),
      ];
      for (const [name, headers] of attempts) {
        const response = await testApp.app.inject({ method: route.method as 'GET', url, headers });
        const body = route.method === 'HEAD' ? { error: 'x', message: 'x', detail: 'x' } : response.json();
        // The AgentOS face answers in its spec's shape, {"detail": ...}; everything else in the uniform one.
        // The OpenAI face (/v1/*, API keys) answers in OpenAI's shape, {"error": {"message", "type", ...}}.
        const shaped = isAgentOsPath(route.url)
          ? typeof body.detail === 'string'
          : route.url.startsWith('/v1/')
            ? route.method === 'HEAD' || (typeof body.error?.message === 'string' && typeof body.error?.type === 'string')
            : typeof body.error === 'string' && typeof body.message === 'string';
        if (response.statusCode !== 401 || !shaped) {
          failures.push(`${route.method} ${route.url} with ${name}: ${response.statusCode} ${response.body}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
