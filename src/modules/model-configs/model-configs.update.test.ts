import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../platform/crypto/secret-box.js';
import { testSecrets } from '../../test-kit/build-test-app.js';
import { createUser, type TestUser } from '../../test-kit/factories.js';
import type { ModelConfigResponse } from './model-configs.schemas.js';
import { configCreator, fetchConfig, mainChat, request, testApp, update, user, useAppPerTest } from './model-configs.test-helpers.js';

/** PUT /api/v1/model-configs/{id}: partial updates, key replacement and removal, one default per kind. */
const apiKey = 'sk-update-original-key-5e1d0000wxyz';

useAppPerTest();
const createConfig = configCreator({
  ...mainChat,
  api_key: apiKey,
  parameters: { temperature: 0.5 },
  capabilities: { tools: true },
});

async function sealedKeyOf(id: string): Promise<string | null> {
  const result = (await testApp.container.database.db.execute(
    sql`select api_key_sealed from model_configs where id = ${id}`,
  )) as unknown as { rows: Array<{ api_key_sealed: string | null }> };
  return result.rows[0]!.api_key_sealed;
}

async function defaultIds(owner: TestUser, kind: string): Promise<string[]> {
  const response = await request('GET', `?kind=${kind}&page_size=100`, owner);
  return response
    .json()
    .items.filter((item: ModelConfigResponse) => item.is_default)
    .map((item: ModelConfigResponse) => item.id);
}

describe('PUT /api/v1/model-configs/{id}', () => {
  it('changes only the given fields and moves updated_at', async () => {
    const created = await createConfig();
    testApp.clock.advance(60_000);

    const response = await update(created.id, { name: 'Renamed', parameters: { max_tokens: 256 } });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      ...created,
      name: 'Renamed',
      parameters: { max_tokens: 256 },
      updated_at: '2026-01-01T00:01:00.000Z',
    });
    expect(await fetchConfig(created.id)).toEqual(response.json());
  });

  it('replaces the key: a new mask, and the sealed value opens to the new key', async () => {
    const created = await createConfig();
    const newKey = 'sk-replacement-key-0000-9876';

    const response = await update(created.id, { api_key: newKey });

    expect(response.statusCode).toBe(200);
    expect(response.json().api_key_masked).toBe('sk-…9876');
    expect(response.body).not.toContain(newKey);
    expect(new SecretBox(testSecrets.encryptionKey).open((await sealedKeyOf(created.id))!)).toBe(newKey);
  });

  it('removes the key with api_key null where the provider needs none', async () => {
    const created = await createConfig();

    const response = await update(created.id, { api_key: null });

    expect(response.statusCode).toBe(200);
    expect(response.json().api_key_masked).toBeNull();
    expect(await sealedKeyOf(created.id)).toBeNull();
  });

  it('refuses to remove the key of a provider that needs one, and keeps the key', async () => {
    const created = await createConfig({ provider: 'deepseek', base_url: undefined, model_name: 'deepseek-chat' });
    const sealedBefore = await sealedKeyOf(created.id);

    const response = await update(created.id, { api_key: null });

    expect(response.statusCode).toBe(422);
    expect(response.json().details.fields).toContainEqual({ field: 'body.api_key', message: expect.any(String) });
    expect(await fetchConfig(created.id)).toEqual(created);
    expect(await sealedKeyOf(created.id)).toBe(sealedBefore);
  });

  it('checks the config as it will be stored: a keyless config cannot become a provider that needs a key', async () => {
    const created = await createConfig({ api_key: undefined });

    const response = await update(created.id, { provider: 'deepseek', base_url: null });

    expect(response.statusCode).toBe(422);
    expect(response.json().details.fields.map((entry: { field: string }) => entry.field)).toEqual(['body.api_key']);
    expect(await fetchConfig(created.id)).toEqual(created);
  });

  it('refuses base_url null for a provider without a default URL', async () => {
    const created = await createConfig();

    const response = await update(created.id, { base_url: null });

    expect(response.statusCode).toBe(422);
    expect(response.json().details.fields.map((entry: { field: string }) => entry.field)).toEqual(['body.base_url']);
    expect(await fetchConfig(created.id)).toEqual(created);
  });

  it.each([
    ['an empty body', {}, 'body'],
    ['an unknown field', { name: 'Renamed', owner_id: '0190a000-0000-7000-8000-000000000000' }, 'body'],
    ['a blank name', { name: '  ' }, 'body.name'],
    ['a temperature of 3', { parameters: { temperature: 3 } }, 'body.parameters.temperature'],
    ['a base_url that is not http(s)', { base_url: 'javascript:alert(1)' }, 'body.base_url'],
    ['an unknown kind', { kind: 'vision' }, 'body.kind'],
  ])('answers 422 for %s and changes nothing', async (_case, payload, field) => {
    const created = await createConfig();

    const response = await update(created.id, payload);

    expect(response.statusCode).toBe(422);
    expect(response.json().error).toBe('VALIDATION_ERROR');
    expect(response.json().details.fields.map((entry: { field: string }) => entry.field)).toContain(field);
    expect(await fetchConfig(created.id)).toEqual(created);
  });

  it("answers 404 for another user's config and leaves it unchanged", async () => {
    const other = await createUser(testApp);
    const theirs = await createConfig({}, other);
    const sealedBefore = await sealedKeyOf(theirs.id);

    const response = await update(theirs.id, { name: 'Hijacked', api_key: 'sk-attacker-key-1111', is_default: true });

    expect(response.statusCode).toBe(404);
    expect(response.json().error).toBe('MODEL_CONFIG_NOT_FOUND');
    expect(await fetchConfig(theirs.id, other)).toEqual(theirs);
    expect(await sealedKeyOf(theirs.id)).toBe(sealedBefore);
  });

  it('answers 422 for an id that is not a UUID', async () => {
    const response = await update('12345', { name: 'Renamed' });

    expect(response.statusCode).toBe(422);
    expect(response.json().details.fields.map((entry: { field: string }) => entry.field)).toContain('params.config_id');
  });
});

describe('is_default: one default per kind and user', () => {
  it('creating a second default of a kind clears the first', async () => {
    const first = await createConfig({ name: 'first', is_default: true });
    testApp.clock.advance(1000);

    const second = await createConfig({ name: 'second', is_default: true });

    expect(second.is_default).toBe(true);
    expect(await fetchConfig(first.id)).toMatchObject({ is_default: false, updated_at: '2026-01-01T00:00:01.000Z' });
    expect(await defaultIds(user, 'chat')).toEqual([second.id]);
  });

  it('updating another config to default clears the first', async () => {
    const first = await createConfig({ name: 'first', is_default: true });
    const second = await createConfig({ name: 'second' });

    const response = await update(second.id, { is_default: true });

    expect(response.statusCode).toBe(200);
    expect(response.json().is_default).toBe(true);
    expect((await fetchConfig(first.id)).is_default).toBe(false);
    expect(await defaultIds(user, 'chat')).toEqual([second.id]);
  });

  it('setting the current default again keeps it the default', async () => {
    const first = await createConfig({ is_default: true });

    const response = await update(first.id, { is_default: true });

    expect(response.statusCode).toBe(200);
    expect(await defaultIds(user, 'chat')).toEqual([first.id]);
  });

  it('lets defaults of different kinds coexist', async () => {
    const chat = await createConfig({ name: 'chat', is_default: true });
    const embedding = await createConfig({ name: 'embedding', kind: 'embedding', is_default: true });
    const rerank = await createConfig({ name: 'rerank', kind: 'rerank', is_default: true });

    expect(await defaultIds(user, 'chat')).toEqual([chat.id]);
    expect(await defaultIds(user, 'embedding')).toEqual([embedding.id]);
    expect(await defaultIds(user, 'rerank')).toEqual([rerank.id]);
  });

  it("leaves another user's default alone", async () => {
    const other = await createUser(testApp);
    const theirs = await createConfig({ is_default: true }, other);
    const mine = await createConfig({ name: 'first' });

    await createConfig({ is_default: true });
    await update(mine.id, { is_default: true });

    expect(await fetchConfig(theirs.id, other)).toEqual(theirs);
  });

  it('moving a default config to a kind that already has a default leaves one default of that kind', async () => {
    const chat = await createConfig({ name: 'chat', is_default: true });
    await createConfig({ name: 'embedding', kind: 'embedding', is_default: true });

    const response = await update(chat.id, { kind: 'embedding' });

    // The moved config must not collide with the new kind's default (a 500 from the unique index).
    expect(response.statusCode, response.body).toBe(200);
    expect(await defaultIds(user, 'embedding')).toHaveLength(1);
    expect(await defaultIds(user, 'chat')).toEqual([]);
  });

  it('switching the kind and the default at once clears the default of the new kind', async () => {
    const chat = await createConfig({ name: 'chat' });
    const embedding = await createConfig({ name: 'embedding', kind: 'embedding', is_default: true });

    const response = await update(chat.id, { kind: 'embedding', is_default: true });

    expect(response.statusCode).toBe(200);
    expect(await defaultIds(user, 'embedding')).toEqual([chat.id]);
    expect((await fetchConfig(embedding.id)).is_default).toBe(false);
  });
});
