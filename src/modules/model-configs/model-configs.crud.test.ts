import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../platform/crypto/secret-box.js';
import { modelConfigs } from '../../platform/db/schema/index.js';
import { testSecrets } from '../../test-kit/build-test-app.js';
import { createUser } from '../../test-kit/factories.js';
import { configCreator, mainChat, request, testApp, user, useAppPerTest } from './model-configs.test-helpers.js';

/** Create, read, list and delete of /api/v1/model-configs, and how the API key is kept. */
const apiKey = 'sk-crud-plaintext-key-7f3a9c21abcd';

useAppPerTest();
const createConfig = configCreator({ ...mainChat, api_key: apiKey });

async function rows(query: ReturnType<typeof sql>): Promise<Array<Record<string, unknown>>> {
  const result = (await testApp.container.database.db.execute(query)) as unknown as { rows: Array<Record<string, unknown>> };
  return result.rows;
}

/** Every row of every table of the test schema, as one string. */
async function dumpDatabase(): Promise<string> {
  const tables = await rows(sql`select tablename from pg_tables where schemaname = current_schema()`);
  expect(tables.map((table) => table.tablename)).toContain('model_configs');
  const dumps: string[] = [];
  for (const { tablename } of tables) {
    dumps.push(JSON.stringify(await rows(sql.raw(`select * from "${String(tablename)}"`))));
  }
  return dumps.join('\n');
}

describe('POST /api/v1/model-configs', () => {
  it('answers 201 with exactly the public fields, the key masked as first 3 + … + last 4', async () => {
    const response = await request('POST', '', user, {
      name: 'Main chat',
      provider: 'openai-compatible',
      base_url: 'https://llm.example.test/v1',
      api_key: apiKey,
      model_name: 'gpt-test',
    });

    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(
      [
        'api_key_masked',
        'base_url',
        'capabilities',
        'created_at',
        'fallback_model_ids',
        'id',
        'is_default',
        'kind',
        'model_name',
        'name',
        'parameters',
        'provider',
        'updated_at',
      ].sort(),
    );
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Main chat',
      provider: 'openai-compatible',
      base_url: 'https://llm.example.test/v1',
      api_key_masked: 'sk-…abcd',
      model_name: 'gpt-test',
      kind: 'chat',
      parameters: {},
      capabilities: {},
      fallback_model_ids: [],
      is_default: false,
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    });
    expect(response.body).not.toContain(apiKey);
  });

  it('stores the given parameters, capabilities and kind', async () => {
    const created = await createConfig({
      kind: 'embedding',
      parameters: { temperature: 0.2, max_tokens: 64, top_p: 0.9 },
      capabilities: { tools: true, json: false },
    });

    const fetched = (await request('GET', `/${created.id}`, user)).json();

    expect(fetched).toMatchObject({
      kind: 'embedding',
      parameters: { temperature: 0.2, max_tokens: 64, top_p: 0.9 },
      capabilities: { tools: true, json: false },
    });
  });

  it('accepts a provider that needs neither key nor base_url, and masks nothing then', async () => {
    const created = await createConfig({ provider: 'ollama', base_url: undefined, api_key: undefined });

    expect(created).toMatchObject({ provider: 'ollama', base_url: null, api_key_masked: null });
  });

  it('never returns the full key from get, list or update', async () => {
    const created = await createConfig();

    const fetched = await request('GET', `/${created.id}`, user);
    const listed = await request('GET', '', user);
    const updated = await request('PUT', `/${created.id}`, user, { name: 'Renamed' });

    for (const response of [fetched, listed, updated]) {
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('sk-…abcd');
      expect(response.body).not.toContain(apiKey);
    }
  });
});

describe('API key at rest', () => {
  it('appears in plaintext in no column of any table, and the sealed value opens back to it', async () => {
    const created = await createConfig();

    const dump = await dumpDatabase();
    const [stored] = await rows(sql`select api_key_sealed, api_key_masked from model_configs where id = ${created.id}`);

    expect(dump).toContain(created.id);
    expect(dump).not.toContain(apiKey);
    expect(dump).not.toContain(Buffer.from(apiKey).toString('base64'));
    expect(stored!.api_key_masked).toBe('sk-…abcd');
    expect(stored!.api_key_sealed).toMatch(/^v1\./);
    expect(new SecretBox(testSecrets.encryptionKey).open(String(stored!.api_key_sealed))).toBe(apiKey);
  });

  it('seals the same key differently each time', async () => {
    const first = await createConfig({ name: 'one' });
    const second = await createConfig({ name: 'two' });

    const sealed = await rows(sql`select id, api_key_sealed from model_configs order by id`);

    expect(sealed.map((row) => row.id)).toEqual([first.id, second.id]);
    expect(sealed[0]!.api_key_sealed).not.toBe(sealed[1]!.api_key_sealed);
  });
});

describe('GET /api/v1/model-configs/{id}', () => {
  it('answers the config as created', async () => {
    const created = await createConfig();

    const response = await request('GET', `/${created.id}`, user);

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(created);
  });

  it("answers 404 MODEL_CONFIG_NOT_FOUND for another user's config, as for an id that does not exist", async () => {
    const other = await createUser(testApp);
    const theirs = await createConfig({}, other);
    const missing = '0190a000-0000-7000-8000-000000000000';

    const foreign = await request('GET', `/${theirs.id}`, user);
    const absent = await request('GET', `/${missing}`, user);

    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error).toBe('MODEL_CONFIG_NOT_FOUND');
    expect(foreign.body).not.toContain('Main chat');
    expect(absent.statusCode).toBe(404);
    expect(foreign.json().message.replace(theirs.id, '<id>')).toBe(absent.json().message.replace(missing, '<id>'));
  });

  it('answers 422 for an id that is not a UUID', async () => {
    const response = await request('GET', '/not-a-uuid', user);

    expect(response.statusCode).toBe(422);
    expect(response.json().details.fields.map((entry: { field: string }) => entry.field)).toContain('params.config_id');
  });
});

describe('DELETE /api/v1/model-configs/{id}', () => {
  it('answers 204 with an empty body, and the config is gone', async () => {
    const created = await createConfig();

    const response = await request('DELETE', `/${created.id}`, user);

    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect((await request('GET', `/${created.id}`, user)).statusCode).toBe(404);
    expect(await testApp.container.database.db.$count(modelConfigs)).toBe(0);
  });

  it("removes the deleted id from the owner's fallback lists, keeping the others in order", async () => {
    const first = await createConfig({ name: 'first' });
    const second = await createConfig({ name: 'second' });
    const third = await createConfig({ name: 'third' });
    const primary = await createConfig({ name: 'primary', fallback_model_ids: [first.id, second.id, third.id] });
    const other = await createConfig({ name: 'other', fallback_model_ids: [second.id] });

    await request('DELETE', `/${second.id}`, user);

    expect((await request('GET', `/${primary.id}`, user)).json().fallback_model_ids).toEqual([first.id, third.id]);
    expect((await request('GET', `/${other.id}`, user)).json().fallback_model_ids).toEqual([]);
  });

  it('answers 404 to a second delete', async () => {
    const created = await createConfig();
    await request('DELETE', `/${created.id}`, user);

    const response = await request('DELETE', `/${created.id}`, user);

    expect(response.statusCode).toBe(404);
    expect(response.json().error).toBe('MODEL_CONFIG_NOT_FOUND');
  });

  it("answers 404 for another user's config and leaves it in place", async () => {
    const other = await createUser(testApp);
    const theirs = await createConfig({}, other);

    const response = await request('DELETE', `/${theirs.id}`, user);

    expect(response.statusCode).toBe(404);
    expect(response.json().error).toBe('MODEL_CONFIG_NOT_FOUND');
    expect((await request('GET', `/${theirs.id}`, other)).json()).toEqual(theirs);
  });

  it('answers 422 for an id that is not a UUID and deletes nothing', async () => {
    await createConfig();

    const response = await request('DELETE', '/1', user);

    expect(response.statusCode).toBe(422);
    expect(await testApp.container.database.db.$count(modelConfigs)).toBe(1);
  });
});
