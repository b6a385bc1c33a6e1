import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { modelConfigs } from '../../platform/db/schema/index.js';
import { createUser } from '../../test-kit/factories.js';
import { configCreator, fetchConfig, mainChat, request, testApp, update, user, useAppPerTest } from './model-configs.test-helpers.js';

/** The 422s of /api/v1/model-configs: schema rules, provider rules and fallback lists; none stores anything. */
const randomId = '0190a000-0000-7000-8000-00000000abcd';
const validBody = { ...mainChat, api_key: 'sk-validation-key-00001234' };

interface ErrorBody {
  error: string;
  message: string;
  details: { fields: Array<{ field: string; message: string }> };
}

useAppPerTest();
const createConfig = configCreator(validBody);

function create(payload: object) {
  return request('POST', '', user, payload);
}

function countRows(): Promise<number> {
  return testApp.container.database.db.$count(modelConfigs);
}

function expectValidationError(response: { statusCode: number; json(): unknown }, field: string): ErrorBody {
  expect(response.statusCode).toBe(422);
  const body = response.json() as ErrorBody;
  expect(body.error).toBe('VALIDATION_ERROR');
  expect(body.details.fields.map((entry) => entry.field)).toContain(field);
  return body;
}

describe('POST /api/v1/model-configs validation', () => {
  it.each([
    ['openai-compatible without base_url', { base_url: undefined }, 'body.base_url'],
    ['vllm without base_url', { provider: 'vllm', base_url: null }, 'body.base_url'],
    ['deepseek without api_key', { provider: 'deepseek', base_url: undefined, api_key: undefined }, 'body.api_key'],
    ['openai with a blank api_key', { provider: 'openai', api_key: '   ' }, 'body.api_key'],
    ['anthropic with kind embedding', { provider: 'anthropic', base_url: undefined, kind: 'embedding' }, 'body.kind'],
    ['an ftp base_url', { base_url: 'ftp://x' }, 'body.base_url'],
    ['a javascript: base_url', { base_url: 'javascript:alert(1)' }, 'body.base_url'],
    ['a base_url that is not a URL', { base_url: 'llm.example.test' }, 'body.base_url'],
    ['temperature 3', { parameters: { temperature: 3 } }, 'body.parameters.temperature'],
    ['max_tokens 0', { parameters: { max_tokens: 0 } }, 'body.parameters.max_tokens'],
    ['an unknown parameter', { parameters: { seed: 1 } }, 'body.parameters'],
    ['an unknown provider', { provider: 'openrouter' }, 'body.provider'],
    ['a blank name', { name: ' ' }, 'body.name'],
    ['no model_name', { model_name: undefined }, 'body.model_name'],
    ['an unknown field', { owner_id: randomId }, 'body'],
    ['an api_key over 1000 characters', { api_key: `sk-${'x'.repeat(1000)}` }, 'body.api_key'],
    ['a fallback id that is not a UUID', { fallback_model_ids: ['nope'] }, 'body.fallback_model_ids.0'],
    ['a fallback id that does not exist', { fallback_model_ids: [randomId] }, 'body.fallback_model_ids'],
    ['more than 5 fallbacks', { fallback_model_ids: Array.from({ length: 6 }, () => randomUUID()) }, 'body.fallback_model_ids'],
  ])('answers 422 for %s and stores nothing', async (_case, overrides, field) => {
    const response = await create({ ...validBody, ...overrides });

    expectValidationError(response, field);
    expect(response.body).not.toContain(validBody.api_key);
    expect(await countRows()).toBe(0);
  });

  it('answers 422 for fallbacks on an embedding config', async () => {
    const chat = await createConfig({ name: 'chat' });

    const response = await create({ ...validBody, kind: 'embedding', fallback_model_ids: [chat.id] });

    expectValidationError(response, 'body.fallback_model_ids');
    expect(await countRows()).toBe(1);
  });

  it('answers 422 for a fallback to an embedding config', async () => {
    const embedding = await createConfig({ name: 'embedding', kind: 'embedding' });

    const response = await create({ ...validBody, fallback_model_ids: [embedding.id] });

    expectValidationError(response, 'body.fallback_model_ids');
    expect(await countRows()).toBe(1);
  });

  it('answers 422 for duplicate fallback ids', async () => {
    const chat = await createConfig({ name: 'chat' });

    const response = await create({ ...validBody, fallback_model_ids: [chat.id, chat.id] });

    expectValidationError(response, 'body.fallback_model_ids');
    expect(await countRows()).toBe(1);
  });

  it("answers 422 for a fallback to another user's config, worded as for an id that does not exist", async () => {
    const other = await createUser(testApp);
    const theirs = await createConfig({ name: 'their private model' }, other);

    const foreign = await create({ ...validBody, fallback_model_ids: [theirs.id] });
    const missing = await create({ ...validBody, fallback_model_ids: [randomId] });

    const foreignError = expectValidationError(foreign, 'body.fallback_model_ids');
    const missingError = expectValidationError(missing, 'body.fallback_model_ids');
    expect(JSON.stringify(foreignError).replaceAll(theirs.id, '<id>')).toBe(JSON.stringify(missingError).replaceAll(randomId, '<id>'));
    expect(foreign.body).not.toContain('their private model');
    expect(await countRows()).toBe(1);
  });

  it('accepts up to 5 distinct chat fallbacks of the caller, in the given order', async () => {
    const fallbacks: string[] = [];
    for (let index = 0; index < 5; index++) fallbacks.push((await createConfig({ name: `fallback ${index}` })).id);
    const reversed = [...fallbacks].reverse();

    const response = await create({ ...validBody, fallback_model_ids: reversed });

    expect(response.statusCode).toBe(201);
    expect(response.json().fallback_model_ids).toEqual(reversed);
  });
});

describe('PUT /api/v1/model-configs/{id} fallback validation', () => {
  it('answers 422 for a fallback to the config itself, and changes nothing', async () => {
    const config = await createConfig();

    const response = await update(config.id, { fallback_model_ids: [config.id] });

    expectValidationError(response, 'body.fallback_model_ids');
    expect(await fetchConfig(config.id)).toEqual(config);
  });

  it("answers 422 for a fallback to another user's config, and changes nothing", async () => {
    const other = await createUser(testApp);
    const theirs = await createConfig({}, other);
    const config = await createConfig();

    const response = await update(config.id, { fallback_model_ids: [theirs.id] });

    expectValidationError(response, 'body.fallback_model_ids');
    expect(await fetchConfig(config.id)).toEqual(config);
  });

  it('answers 422 when a config with fallbacks becomes an embedding model, and changes nothing', async () => {
    const fallback = await createConfig({ name: 'fallback' });
    const config = await createConfig({ fallback_model_ids: [fallback.id] });

    const response = await update(config.id, { kind: 'embedding' });

    expectValidationError(response, 'body.fallback_model_ids');
    expect(await fetchConfig(config.id)).toEqual(config);
  });

  it('answers 422 for more than 5 fallbacks or duplicates, and changes nothing', async () => {
    const fallback = await createConfig({ name: 'fallback' });
    const config = await createConfig();

    const tooMany = await update(config.id, { fallback_model_ids: Array.from({ length: 6 }, () => randomUUID()) });
    const duplicates = await update(config.id, { fallback_model_ids: [fallback.id, fallback.id] });

    expectValidationError(tooMany, 'body.fallback_model_ids');
    expectValidationError(duplicates, 'body.fallback_model_ids');
    expect(await fetchConfig(config.id)).toEqual(config);
  });

  it('keeps a config editable after one of its fallbacks stops being a chat model', async () => {
    const fallback = await createConfig({ name: 'fallback' });
    const config = await createConfig({ fallback_model_ids: [fallback.id] });
    await update(fallback.id, { kind: 'embedding' });

    const response = await update(config.id, { name: 'Renamed' });

    // A kind change removes the config from other fallback lists, so those stay editable.
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().fallback_model_ids).toEqual([]);
  });
});
