import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys } from '../../platform/db/schema/index.js';
import { buildTestApp, type TestApp } from '../../test-kit/build-test-app.js';
import { createAgent, createUser, type TestUser } from '../../test-kit/factories.js';

/** /api/v1/api-keys: a key is shown once, stored hashed, listed without it, scoped to the owner's agents, revoked. */
let testApp: TestApp;
let owner: TestUser;
let stranger: TestUser;

beforeAll(async () => {
  testApp = await buildTestApp();
  owner = await createUser(testApp);
  stranger = await createUser(testApp);
});
afterAll(async () => {
  await testApp.close();
});

function call(method: 'GET' | 'POST', url: string, user: TestUser | null, payload?: object) {
  return testApp.app.inject({ method, url: `/api/v1/api-keys${url}`, headers: user?.headers ?? {}, ...(payload ? { payload } : {}) });
}

async function storedRows(userId: string) {
  return testApp.container.database.db.select().from(apiKeys).where(eq(apiKeys.ownerId, userId));
}

describe('POST /api/v1/api-keys', () => {
  it('shows the key once and stores only its SHA-256', async () => {
    const created = await call('POST', '', owner, { name: 'Open WebUI' });

    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body.key).toMatch(/^tg-[A-Za-z0-9_-]{43}$/);
    expect(body).toMatchObject({ name: 'Open WebUI', agent_ids: null, expires_at: null, last_used_at: null, revoked: false });
    expect(body.key_prefix).toBe(body.key.slice(0, 7));
    expect(body.key_last4).toBe(body.key.slice(-4));
    const row = (await storedRows(owner.id)).find((entry) => entry.id === body.id)!;
    expect(row.keyHash).toBe(createHash('sha256').update(body.key).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(body.key);

    const listed = await call('GET', '', owner);
    const fetched = await call('GET', `/${body.id}`, owner);
    expect(listed.json().items.find((item: { id: string }) => item.id === body.id)).not.toHaveProperty('key');
    expect(fetched.json()).not.toHaveProperty('key');
    expect(fetched.json().key_prefix).toBe(body.key_prefix);
  });

  it('scopes a key to agents of the owner; another user agent answers 404 and creates nothing', async () => {
    const mine = await createAgent(testApp, owner);
    const theirs = await createAgent(testApp, stranger);
    const before = (await storedRows(owner.id)).length;

    const scoped = await call('POST', '', owner, { name: 'scoped', agent_ids: [mine.id], expires_at: '2099-01-01T00:00:00Z' });
    const foreign = await call('POST', '', owner, { name: 'foreign', agent_ids: [mine.id, theirs.id] });

    expect(scoped.statusCode).toBe(201);
    expect(scoped.json()).toMatchObject({ agent_ids: [mine.id], expires_at: '2099-01-01T00:00:00.000Z' });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ error: 'AGENT_NOT_FOUND' });
    expect(await storedRows(owner.id)).toHaveLength(before + 1);
  });

  it.each([
    ['no name', {}],
    ['a blank name', { name: '   ' }],
    ['a name too long', { name: 'x'.repeat(101) }],
    ['an unknown field', { name: 'k', scopes: ['all'] }],
    ['an empty agent list', { name: 'k', agent_ids: [] }],
    ['an agent id that is not a UUID', { name: 'k', agent_ids: ['agent-1'] }],
    ['duplicate agent ids', { name: 'k', agent_ids: ['0190a1b2-0000-7000-8000-000000000001', '0190a1b2-0000-7000-8000-000000000001'] }],
    ['an expiry that is not a date', { name: 'k', expires_at: 'tomorrow' }],
    ['an expiry in the past', { name: 'k', expires_at: '2001-01-01T00:00:00Z' }],
  ])('refuses %s with 422 and creates nothing', async (_case, payload) => {
    const before = (await storedRows(owner.id)).length;

    const response = await call('POST', '', owner, payload);

    expect(response.statusCode).toBe(422);
    expect(response.json().error).toBe('VALIDATION_ERROR');
    expect(await storedRows(owner.id)).toHaveLength(before);
  });

  it('needs a login token: 401 without one, and an API key is not one', async () => {
    const key = (await call('POST', '', owner, { name: 'not a token' })).json().key as string;

    const anonymous = await call('POST', '', null, { name: 'k' });
    const withKey = await testApp.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: { authorization: `Bearer ${key}` } });

    expect(anonymous.statusCode).toBe(401);
    expect(withKey.statusCode).toBe(401);
  });
});

describe('GET and revoke', () => {
  it("lists only the caller's keys, newest first, paginated", async () => {
    const first = (await call('POST', '', stranger, { name: 'first' })).json();
    const second = (await call('POST', '', stranger, { name: 'second' })).json();

    const page = await call('GET', '?page=1&page_size=1', stranger);
    const all = await call('GET', '?page_size=100', stranger);

    expect(page.json()).toMatchObject({ total: all.json().total, page: 1, page_size: 1 });
    expect(page.json().items[0].id).toBe(second.id);
    expect(all.json().items.map((item: { id: string }) => item.id)).toContain(first.id);
    const ownerIds = (await call('GET', '?page_size=100', owner)).json().items.map((item: { id: string }) => item.id);
    expect(ownerIds).not.toContain(first.id);
  });

  it('revokes once: a second revoke keeps the first instant', async () => {
    const created = (await call('POST', '', owner, { name: 'to revoke' })).json();

    const revokedAt = testApp.clock.now().toISOString();
    const revoked = await call('POST', `/${created.id}/revoke`, owner);
    testApp.clock.advance(5_000);
    const again = await call('POST', `/${created.id}/revoke`, owner);

    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ revoked: true, revoked_at: revokedAt });
    expect(again.json().revoked_at).toBe(revoked.json().revoked_at);
    expect((await call('GET', `/${created.id}`, owner)).json().revoked).toBe(true);
  });

  it("answers 404 for another user's key and leaves it alone; 422 for an id that is not a UUID", async () => {
    const created = (await call('POST', '', owner, { name: 'private' })).json();

    const read = await call('GET', `/${created.id}`, stranger);
    const revoke = await call('POST', `/${created.id}/revoke`, stranger);
    const malformed = await call('GET', '/not-a-uuid', owner);

    expect(read.statusCode).toBe(404);
    expect(revoke.statusCode).toBe(404);
    expect(revoke.json().error).toBe('API_KEY_NOT_FOUND');
    expect(malformed.statusCode).toBe(422);
    expect((await call('GET', `/${created.id}`, owner)).json().revoked).toBe(false);
  });
});
