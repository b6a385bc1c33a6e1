import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test-kit/build-test-app.js';
import { createUser, uniqueEmail } from '../../test-kit/factories.js';
import { users } from '../../platform/db/schema/index.js';

let testApp: TestApp;

beforeEach(async () => {
  testApp = await buildTestApp({ env: { LOGIN_RATE_LIMIT_MAX: '5' } });
});
afterEach(async () => {
  await testApp.close();
});

function register(body: unknown) {
  return testApp.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: body as object });
}

function loginForm(username: string, password: string) {
  return testApp.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ username, password }).toString(),
  });
}

describe('POST /api/v1/auth/register', () => {
  it('creates the account and never returns the password or its hash', async () => {
    const response = await register({ email: 'Ada@Example.test', password: 'correct horse', nickname: 'Ada' });

    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(
      ['created_at', 'email', 'id', 'is_active', 'last_login_at', 'nickname', 'role'].sort(),
    );
    expect(body).toMatchObject({ email: 'ada@example.test', nickname: 'Ada', is_active: true });
    expect(response.body).not.toContain('correct horse');
    expect(response.body).not.toContain('$argon2');
  });

  it('makes the first account admin and later ones user', async () => {
    const first = await register({ email: uniqueEmail(), password: 'password-1', nickname: 'first' });
    const second = await register({ email: uniqueEmail(), password: 'password-2', nickname: 'second' });

    expect(first.json().role).toBe('admin');
    expect(second.json().role).toBe('user');
  });

  it('answers 409 for an e-mail already taken, in any letter case', async () => {
    await register({ email: 'taken@example.test', password: 'password-1', nickname: 'a' });

    const response = await register({ email: 'TAKEN@example.test', password: 'password-2', nickname: 'b' });

    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({ error: 'AUTH_EMAIL_TAKEN', message: expect.any(String) });
  });

  it.each([
    ['a bad e-mail', { email: 'not-an-email', password: 'password-1', nickname: 'a' }, 'body.email'],
    ['a short password', { email: 'a@example.test', password: 'short', nickname: 'a' }, 'body.password'],
    ['no nickname', { email: 'a@example.test', password: 'password-1' }, 'body.nickname'],
    ['a blank nickname', { email: 'a@example.test', password: 'password-1', nickname: '   ' }, 'body.nickname'],
    ['an unknown field', { email: 'a@example.test', password: 'password-1', nickname: 'a', role: 'admin' }, 'body'],
    ['a number as e-mail', { email: 42, password: 'password-1', nickname: 'a' }, 'body.email'],
  ])('answers 422 for %s and stores nothing', async (_case, body, field) => {
    const response = await register(body);

    expect(response.statusCode).toBe(422);
    const error = response.json();
    expect(error.error).toBe('VALIDATION_ERROR');
    expect(error.details.fields.map((entry: { field: string }) => entry.field)).toContain(field);
    expect(await testApp.container.database.db.$count(users)).toBe(0);
  });
});

describe('POST /api/v1/auth/login', () => {
  it('accepts the OAuth2 password form and returns a bearer token that works on /me', async () => {
    const user = await createUser(testApp);

    const response = await loginForm(user.email.toUpperCase(), user.password);

    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 86_400 });
    const me = await testApp.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: user.id, email: user.email, last_login_at: '2026-01-01T00:00:00.000Z' });
  });

  it('accepts JSON too', async () => {
    const user = await createUser(testApp);

    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: user.email, password: user.password },
    });

    expect(response.statusCode).toBe(200);
  });

  it('answers 401 with the same message for a wrong password and an unknown e-mail', async () => {
    const user = await createUser(testApp);

    const wrongPassword = await loginForm(user.email, 'wrong-password');
    const unknownEmail = await loginForm('nobody@example.test', 'wrong-password');

    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownEmail.statusCode).toBe(401);
    expect(wrongPassword.json()).toEqual(unknownEmail.json());
    expect(wrongPassword.json().error).toBe('AUTH_INVALID_CREDENTIALS');
  });

  it('answers 422 when the form lacks the password', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'username=a%40example.test',
    });

    expect(response.statusCode).toBe(422);
    expect(response.json().details.fields).toContainEqual({ field: 'body.password', message: expect.any(String) });
  });

  it('is rate limited: 429 with Retry-After after the configured attempts', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      statuses.push((await loginForm('victim@example.test', `guess-${attempt}`)).statusCode);
    }
    const limited = await loginForm('victim@example.test', 'guess-last');

    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ error: 'AUTH_RATE_LIMITED', details: { retry_after: expect.any(Number) } });
  });
});

describe('GET /api/v1/auth/me', () => {
  it('answers 401 when the token belongs to a user that no longer exists', async () => {
    const user = await createUser(testApp);
    await testApp.container.database.db.delete(users);

    const response = await testApp.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: user.headers });

    expect(response.statusCode).toBe(401);
    expect(response.json().error).toBe('AUTH_USER_NOT_FOUND');
  });
});
