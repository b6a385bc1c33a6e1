import { describe, expect, it } from 'vitest';
import { createModelConfig } from '../../test-kit/factories.js';
import {
  countRows,
  createExample,
  definitionOf,
  expectNotFound,
  expectValidationError,
  fetchAgent,
  request,
  snapshot,
  testApp,
  update,
  user,
  useAppPerTest,
} from './agents.test-helpers.js';

/** PUT /api/v1/agents/{id} and the version history it leaves: GET /{id}/versions and /{id}/versions/{n}. */
useAppPerTest();

function chatConfig() {
  return createModelConfig(testApp, user, { base_url: 'https://llm.example.test/v1' });
}

describe('PUT /api/v1/agents/{id}', () => {
  it('changes only the given fields, bumps the version by one and moves updated_at', async () => {
    const created = await createExample();
    testApp.clock.advance(60_000);

    const response = await update(created.id, { name: 'Renamed', iteration_limit: 7 });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      ...created,
      name: 'Renamed',
      iteration_limit: 7,
      version: 2,
      updated_at: '2026-01-01T00:01:00.000Z',
    });
    expect(await fetchAgent(created.id)).toEqual(response.json());
  });

  it('goes up by exactly one version per update', async () => {
    const created = await createExample();

    const versions: number[] = [];
    for (const name of ['two', 'three', 'four']) {
      versions.push((await update(created.id, { name })).json().version);
    }

    expect(versions).toEqual([2, 3, 4]);
    expect((await fetchAgent(created.id)).version).toBe(4);
    expect(await countRows()).toEqual({ agents: 1, versions: 4 });
  });

  it('replaces the workflow_config and memory as wholes', async () => {
    const created = await createExample({ memory: { history_messages: 10, history_tokens: 500 } });
    const workflow = { nodes: [{ id: 'only', type: 'agent' }], edges: [] };

    const response = await update(created.id, { workflow_config: workflow, memory: { history_messages: 3, history_tokens: 100 } });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ workflow_config: workflow, memory: { history_messages: 3, history_tokens: 100 } });
  });

  it('clears model_config_id when model_config is set, and model_config when model_config_id is set', async () => {
    const config = await chatConfig();
    const created = await createExample();

    const toStored = await update(created.id, { model_config_id: config.id });
    const toInline = await update(created.id, { model_config: { provider: 'deepseek', model_name: 'deepseek-chat' } });

    expect(toStored.statusCode).toBe(200);
    expect(toStored.json()).toMatchObject({ model_config_id: config.id, model_config: null, version: 2 });
    expect(toInline.statusCode).toBe(200);
    expect(toInline.json()).toMatchObject({
      model_config: { provider: 'deepseek', model_name: 'deepseek-chat' },
      model_config_id: null,
      version: 3,
    });
  });

  it('merges a partial memory into the stored one', async () => {
    const created = await createExample({ memory: { history_messages: 10, history_tokens: 500 } });

    const response = await update(created.id, { memory: { history_messages: 3 } });

    expect(response.json().memory).toEqual({ history_messages: 3, history_tokens: 500 });
  });

  it('keeps an agent editable after its model config was deleted', async () => {
    const config = await chatConfig();
    const created = await createExample({ model_config: null, model_config_id: config.id });
    await request('DELETE', `/api/v1/model-configs/${config.id}`);

    const response = await update(created.id, { description: 'still editable' });

    expect(response.statusCode).toBe(200);
    expect(response.json().description).toBe('still editable');
  });

  it('keeps the stored model_config_id when another field changes', async () => {
    const config = await chatConfig();
    const created = await createExample({ model_config: null, model_config_id: config.id });

    const response = await update(created.id, { description: 'new words' });

    expect(response.json()).toMatchObject({ model_config_id: config.id, model_config: null, description: 'new words' });
  });

  it.each([
    ['an empty body', {}, 'body'],
    ['an unknown field', { status: 'published' }, 'body'],
    ['a blank name', { name: '   ' }, 'body.name'],
    ['iteration_limit 0', { iteration_limit: 0 }, 'body.iteration_limit'],
    ['a null name', { name: null }, 'body.name'],
    [
      'both model_config and model_config_id',
      { model_config: { provider: 'openai', model_name: 'x' }, model_config_id: '0190a000-0000-7000-8000-0000000000aa' },
      'body.model_config_id',
    ],
    ['an unknown tool', { include_tools: ['no_such_tool'] }, 'body.include_tools.0'],
    ['a self loop', { workflow_config: { nodes: [{ id: 'a', type: 'agent' }], edges: [{ source: 'a', target: 'a' }] } }, 'body.workflow_config.edges.0'],
  ])('answers 422 for %s and changes nothing', async (_case, payload, field) => {
    const created = await createExample();
    const before = await snapshot();

    const response = await update(created.id, payload);

    expectValidationError(response, field);
    expect(await snapshot()).toBe(before);
  });

  it('answers 404 KNOWLEDGE_BASE_NOT_FOUND for a knowledge base id and changes nothing', async () => {
    const created = await createExample();
    const before = await snapshot();

    const response = await update(created.id, { knowledge_base_ids: ['0190a000-0000-7000-8000-0000000000cb'] });

    expectNotFound(response, 'KNOWLEDGE_BASE_NOT_FOUND');
    expect(await snapshot()).toBe(before);
  });
});

describe('GET /api/v1/agents/{id}/versions', () => {
  it('lists every version newest first, each with the definition it had', async () => {
    const created = await createExample();
    testApp.clock.advance(1_000);
    const second = (await update(created.id, { name: 'Second name', iteration_limit: 20 })).json();
    testApp.clock.advance(1_000);
    const third = (await update(created.id, { description: 'Third description' })).json();

    const response = await request('GET', `/${created.id}/versions`, user);

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([
      { version: 3, created_at: '2026-01-01T00:00:02.000Z', definition: definitionOf(third) },
      { version: 2, created_at: '2026-01-01T00:00:01.000Z', definition: definitionOf(second) },
      { version: 1, created_at: '2026-01-01T00:00:00.000Z', definition: definitionOf(created) },
    ]);
    expect(response.json()[2].definition).toMatchObject({ name: 'Research assistant', iteration_limit: 15 });
  });

  it('keeps the old definitions readable after a change of model', async () => {
    const config = await chatConfig();
    const created = await createExample();
    await update(created.id, { model_config_id: config.id });

    const versions = (await request('GET', `/${created.id}/versions`, user)).json();

    expect(versions[0].definition).toMatchObject({ model_config_id: config.id, model_config: null });
    expect(versions[1].definition).toMatchObject({ model_config_id: null, model_config: created.model_config });
  });

  it('does not list the versions of another agent', async () => {
    const created = await createExample();
    const sibling = await createExample({ name: 'Sibling' });
    await update(sibling.id, { name: 'Sibling 2' });

    const response = await request('GET', `/${created.id}/versions`, user);

    expect(response.json()).toHaveLength(1);
  });
});

describe('GET /api/v1/agents/{id}/versions/{n}', () => {
  it('answers that version as the list shows it', async () => {
    const created = await createExample();
    await update(created.id, { name: 'Second name' });
    await update(created.id, { name: 'Third name' });
    const listed = (await request('GET', `/${created.id}/versions`, user)).json();

    const first = await request('GET', `/${created.id}/versions/1`, user);
    const second = await request('GET', `/${created.id}/versions/2`, user);

    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual(listed[2]);
    expect(first.json().definition.name).toBe('Research assistant');
    expect(second.json()).toEqual(listed[1]);
    expect(second.json().definition.name).toBe('Second name');
  });

  it('answers 404 AGENT_VERSION_NOT_FOUND for a version the agent never had', async () => {
    const created = await createExample();
    await update(created.id, { name: 'Second name' });

    const response = await request('GET', `/${created.id}/versions/3`, user);

    expectNotFound(response, 'AGENT_VERSION_NOT_FOUND');
    expect(response.json().details).toEqual({ id: created.id, version: 3 });
  });

  it.each(['0', 'abc', '-1', '1.5'])('answers 422 for version %s', async (version) => {
    const created = await createExample();

    const response = await request('GET', `/${created.id}/versions/${version}`, user);

    expectValidationError(response, 'params.version');
  });
});
