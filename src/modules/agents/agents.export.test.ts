import { describe, expect, it } from 'vitest';
import { createModelConfig, createUser } from '../../test-kit/factories.js';
import {
  countRows,
  createExample,
  definitionOf,
  expectNotFound,
  expectValidationError,
  fetchAgent,
  missingId,
  request,
  snapshot,
  testApp,
  user,
  useAppPerTest,
} from './agents.test-helpers.js';

/** GET /api/v1/agents/{id}/export and POST /api/v1/agents/import. */
useAppPerTest();

function exportOf(id: string, owner = user) {
  return request('GET', `/${id}/export`, owner);
}

function importDocument(document: object, owner = user) {
  return request('POST', '/import', owner, document);
}

/** The definition without the account-bound model config id, as an export carries it. */
function portable(agent: Record<string, unknown>): Record<string, unknown> {
  const { model_config_id: _accountBound, ...rest } = definitionOf(agent);
  return rest;
}

describe('GET /api/v1/agents/{id}/export', () => {
  it('answers {format, format_version, exported_at, agent} with the definition and nothing else', async () => {
    const created = await createExample({ opening_message: 'Hello', suggested_questions: ['Why?'] });
    testApp.clock.advance(3_600_000);

    const response = await exportOf(created.id);

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      format: 'tiangong.agent',
      format_version: 1,
      exported_at: '2026-01-01T01:00:00.000Z',
      agent: portable(created),
    });
    expect(Object.keys(response.json().agent)).not.toContain('model_config_id');
    expect(response.body).not.toContain(created.id);
    expect(response.body).not.toContain(user.id);
  });

  it('leaves out a stored model config id', async () => {
    const config = await createModelConfig(testApp, user, { base_url: 'https://llm.example.test/v1' });
    const created = await createExample({ model_config: null, model_config_id: config.id });

    const response = await exportOf(created.id);

    expect(response.statusCode).toBe(200);
    expect(response.json().agent).toEqual(portable(created));
    expect(response.body).not.toContain(config.id);
  });

  it('changes nothing', async () => {
    const created = await createExample();
    const before = await snapshot();

    await exportOf(created.id);

    expect(await snapshot()).toBe(before);
  });
});

describe('POST /api/v1/agents/import', () => {
  it('creates a new agent (new id, draft, version 1) with the definition of the export', async () => {
    const created = await createExample({ variables: [{ name: 'topic' }] });
    await request('PUT', `/${created.id}`, user, { description: 'edited' });
    await request('POST', `/${created.id}/deploy`, user);
    const source = await fetchAgent(created.id);
    const document = (await exportOf(created.id)).json();

    const response = await importDocument(document);

    expect(response.statusCode).toBe(201);
    const imported = response.json();
    expect(imported).toEqual({
      ...source,
      id: expect.any(String),
      status: 'draft',
      version: 1,
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    });
    expect(imported.id).not.toBe(created.id);
    expect(await fetchAgent(imported.id)).toEqual(imported);
    expect(await fetchAgent(created.id)).toEqual(source);
    expect(await countRows()).toEqual({ agents: 2, versions: 3 });
  });

  it('imports an agent that used a stored model config without it', async () => {
    const config = await createModelConfig(testApp, user, { base_url: 'https://llm.example.test/v1' });
    const created = await createExample({ model_config: null, model_config_id: config.id });
    const document = (await exportOf(created.id)).json();

    const imported = (await importDocument(document)).json();

    expect(imported).toMatchObject({ model_config_id: null, model_config: null, name: created.name });
  });

  it('accepts a document without exported_at', async () => {
    const created = await createExample();
    const { exported_at: _exportedAt, ...document } = (await exportOf(created.id)).json();

    const response = await importDocument(document);

    expect(response.statusCode).toBe(201);
  });

  it('round-trips through a second user, who then owns the copy alone', async () => {
    const other = await createUser(testApp);
    const created = await createExample();
    const document = (await exportOf(created.id)).json();

    const response = await importDocument(document, other);

    expect(response.statusCode).toBe(201);
    const imported = response.json();
    expect(imported).toMatchObject({ ...portable(created), owner_id: other.id, status: 'draft', version: 1 });
    expect((await exportOf(imported.id, other)).json().agent).toEqual(document.agent);
    expectNotFound(await request('GET', `/${imported.id}`, user), 'AGENT_NOT_FOUND');
    expect((await request('GET', '', user)).json()).toMatchObject({ total: 1, items: [{ id: created.id }] });
    expect((await request('GET', '', other)).json()).toMatchObject({ total: 1, items: [{ id: imported.id }] });
  });

  describe('a bad document', () => {
    const cases: Array<[string, (document: Record<string, unknown>, agent: Record<string, unknown>) => object, string]> = [
      ['a wrong format', (document) => ({ ...document, format: 'other.agent' }), 'body.format'],
      ['no format', ({ format: _format, ...document }) => document, 'body.format'],
      ['format_version 2', (document) => ({ ...document, format_version: 2 }), 'body.format_version'],
      ['format_version "1"', (document) => ({ ...document, format_version: '1' }), 'body.format_version'],
      ['an exported_at that is no time', (document) => ({ ...document, exported_at: 'yesterday' }), 'body.exported_at'],
      ['an unknown field in the agent', (document, agent) => ({ ...document, agent: { ...agent, owner_id: missingId } }), 'body.agent'],
      ['a model_config_id in the agent', (document, agent) => ({ ...document, agent: { ...agent, model_config_id: missingId } }), 'body.agent'],
      ['an unknown field in the document', (document) => ({ ...document, id: missingId }), 'body'],
      ['no agent', ({ agent: _agent, ...document }) => document, 'body.agent'],
      ['an agent without a name', (document, { name: _name, ...agent }) => ({ ...document, agent }), 'body.agent.name'],
      [
        'an invalid graph',
        (document, agent) => ({
          ...document,
          agent: { ...agent, workflow_config: { nodes: [{ id: 'a', type: 'agent' }], edges: [{ source: 'a', target: 'a' }] } },
        }),
        'body.workflow_config.edges.0',
      ],
      ['an unknown tool', (document, agent) => ({ ...document, agent: { ...agent, include_tools: ['no_such_tool'] } }), 'body.include_tools.0'],
    ];

    it.each(cases)('answers 422 for %s and creates nothing', async (_case, spoil, field) => {
      const created = await createExample();
      const document = (await exportOf(created.id)).json();
      const before = await snapshot();

      const response = await importDocument(spoil(document, document.agent));

      expectValidationError(response, field);
      expect(await snapshot()).toBe(before);
      expect(await countRows()).toEqual({ agents: 1, versions: 1 });
    });

    it('answers 404 KNOWLEDGE_BASE_NOT_FOUND for a knowledge base id and creates nothing', async () => {
      const created = await createExample();
      const document = (await exportOf(created.id)).json();
      const agent = { ...document.agent, knowledge_base_ids: ['0190a000-0000-7000-8000-0000000000cb'] };

      const response = await importDocument({ ...document, agent });

      expectNotFound(response, 'KNOWLEDGE_BASE_NOT_FOUND');
      expect(await countRows()).toEqual({ agents: 1, versions: 1 });
    });
  });
});
