import { describe, expect, it } from 'vitest';
import { createModelConfig, createUser } from '../../test-kit/factories.js';
import {
  countRows,
  createExample,
  exampleAgent,
  expectNotFound,
  expectValidationError,
  missingId,
  request,
  testApp,
  user,
  useAppPerTest,
} from './agents.test-helpers.js';

/** What POST /api/v1/agents refuses: schema rules, model configs, tools, knowledge bases, graphs; none stores anything. */
useAppPerTest();

function create(payload: object) {
  return request('POST', '', user, payload);
}

const withoutModel = { ...exampleAgent, model_config: undefined };
const baseUrl = 'https://llm.example.test/v1';

describe('POST /api/v1/agents schema rules', () => {
  it.each([
    ['no name', { name: undefined }, 'body.name'],
    ['a blank name', { name: '   ' }, 'body.name'],
    ['a name over 100 characters', { name: 'n'.repeat(101) }, 'body.name'],
    ['an unknown field', { owner_id: missingId }, 'body'],
    ['a status in the body', { status: 'published' }, 'body'],
    ['iteration_limit 0', { iteration_limit: 0 }, 'body.iteration_limit'],
    ['iteration_limit 101', { iteration_limit: 101 }, 'body.iteration_limit'],
    ['iteration_limit 1.5', { iteration_limit: 1.5 }, 'body.iteration_limit'],
    ['an unknown provider', { model_config: { provider: 'openrouter', model_name: 'x' } }, 'body.model_config.provider'],
    ['temperature 3', { model_config: { provider: 'openai', model_name: 'x', temperature: 3 } }, 'body.model_config.temperature'],
    ['an unknown model parameter', { model_config: { provider: 'openai', model_name: 'x', seed: 1 } }, 'body.model_config'],
    ['a model_config_id that is not a UUID', { model_config: undefined, model_config_id: 'abc' }, 'body.model_config_id'],
    ['a knowledge base id that is not a UUID', { knowledge_base_ids: ['kb-1'] }, 'body.knowledge_base_ids.0'],
    ['history_messages 201', { memory: { history_messages: 201, history_tokens: 1 } }, 'body.memory.history_messages'],
    ['an unknown memory field', { memory: { history_messages: 1, history_tokens: 1, forever: true } }, 'body.memory'],
    ['a variable name starting with a digit', { variables: [{ name: '1topic' }] }, 'body.variables.0.name'],
    ['11 suggested questions', { suggested_questions: Array.from({ length: 11 }, (_, index) => `q${index}`) }, 'body.suggested_questions'],
    ['a node without an id', { workflow_config: { nodes: [{ type: 'start' }], edges: [] } }, 'body.workflow_config.nodes.0.id'],
    ['a workflow without edges', { workflow_config: { nodes: [] } }, 'body.workflow_config.edges'],
  ])('answers 422 for %s', async (_case, overrides, field) => {
    const response = await create({ ...exampleAgent, ...overrides });

    expectValidationError(response, field);
    expect(await countRows()).toEqual({ agents: 0, versions: 0 });
  });
});

describe('POST /api/v1/agents model_config_id', () => {
  it("accepts the caller's chat config", async () => {
    const config = await createModelConfig(testApp, user, { base_url: baseUrl });

    const response = await create({ ...withoutModel, model_config_id: config.id });

    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ model_config_id: config.id, model_config: null });
  });

  it("answers 404 MODEL_CONFIG_NOT_FOUND for another user's config, and stores nothing", async () => {
    const other = await createUser(testApp);
    const theirs = await createModelConfig(testApp, other, { base_url: baseUrl });

    const response = await create({ ...withoutModel, model_config_id: theirs.id });

    expectNotFound(response, 'MODEL_CONFIG_NOT_FOUND');
    expect(response.json().details).toEqual({ id: theirs.id });
    expect(await countRows()).toEqual({ agents: 0, versions: 0 });
  });

  it('answers 404 MODEL_CONFIG_NOT_FOUND for a config id that does not exist', async () => {
    const response = await create({ ...withoutModel, model_config_id: missingId });

    expectNotFound(response, 'MODEL_CONFIG_NOT_FOUND');
    expect(await countRows()).toEqual({ agents: 0, versions: 0 });
  });

  it('answers 422 MODEL_KIND_MISMATCH for an embedding config, and stores nothing', async () => {
    const embedding = await createModelConfig(testApp, user, { base_url: baseUrl, kind: 'embedding' });

    const response = await create({ ...withoutModel, model_config_id: embedding.id });

    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({
      error: 'MODEL_KIND_MISMATCH',
      details: { id: embedding.id, expected: 'chat', actual: 'embedding' },
    });
    expect(await countRows()).toEqual({ agents: 0, versions: 0 });
  });

  it('answers 422 for both model_config and model_config_id, and stores nothing', async () => {
    const config = await createModelConfig(testApp, user, { base_url: baseUrl });

    const response = await create({ ...exampleAgent, model_config_id: config.id });

    expectValidationError(response, 'body.model_config_id');
    expect(await countRows()).toEqual({ agents: 0, versions: 0 });
  });
});

describe('POST /api/v1/agents include_tools and knowledge_base_ids', () => {
  it('answers 422 naming each unknown tool by its place in the list; built-ins are known', async () => {
    const response = await create({ ...exampleAgent, include_tools: ['no_such_tool', 'calculator', 'someone_elses_tool'] });

    const body = expectValidationError(response, 'body.include_tools.0');
    expect(body.details?.fields).toEqual([
      { field: 'body.include_tools.0', message: 'unknown tool "no_such_tool"' },
      { field: 'body.include_tools.2', message: 'unknown tool "someone_elses_tool"' },
    ]);
    expect(await countRows()).toEqual({ agents: 0, versions: 0 });
  });

  it('answers 404 KNOWLEDGE_BASE_NOT_FOUND for any knowledge base id (none exists yet)', async () => {
    const ids = ['0190a000-0000-7000-8000-0000000000cb', '0190a000-0000-7000-8000-0000000000cc'];

    const response = await create({ ...exampleAgent, knowledge_base_ids: ids });

    expectNotFound(response, 'KNOWLEDGE_BASE_NOT_FOUND');
    expect(response.json().details).toEqual({ ids });
    expect(await countRows()).toEqual({ agents: 0, versions: 0 });
  });
});

describe('POST /api/v1/agents workflow_config graph rules', () => {
  const start = { id: 'start', type: 'start' };
  const agent = { id: 'agent', type: 'agent' };
  const end = { id: 'end', type: 'end' };

  it.each([
    [
      'duplicate node ids',
      { nodes: [start, agent, { id: 'agent', type: 'tool' }], edges: [{ source: 'start', target: 'agent' }] },
      ['body.workflow_config.nodes.2.id'],
    ],
    [
      'an edge to a missing node',
      { nodes: [start, agent], edges: [{ source: 'start', target: 'agent' }, { source: 'agent', target: 'ghost' }] },
      ['body.workflow_config.edges.1.target'],
    ],
    [
      'an edge from a missing node',
      { nodes: [start, agent], edges: [{ source: 'ghost', target: 'agent' }] },
      ['body.workflow_config.edges.0.source'],
    ],
    ['a self loop', { nodes: [start, agent], edges: [{ source: 'agent', target: 'agent' }] }, ['body.workflow_config.edges.0']],
    [
      'a cycle',
      {
        nodes: [start, agent, end],
        edges: [
          { source: 'start', target: 'agent' },
          { source: 'agent', target: 'end' },
          { source: 'end', target: 'agent' },
        ],
      },
      ['body.workflow_config.edges'],
    ],
    [
      'two start nodes',
      { nodes: [start, { id: 'start-2', type: 'start' }, end], edges: [{ source: 'start', target: 'end' }] },
      ['body.workflow_config.nodes'],
    ],
  ])('answers 422 for %s and stores nothing', async (_case, workflow, fields) => {
    const response = await create({ ...exampleAgent, workflow_config: workflow });

    const body = expectValidationError(response, fields[0]!);
    expect(body.details?.fields?.map((entry) => entry.field)).toEqual(fields);
    expect(await countRows()).toEqual({ agents: 0, versions: 0 });
  });

  it('reports every broken rule of one graph at once', async () => {
    const workflow = {
      nodes: [start, { id: 'start', type: 'start' }],
      edges: [{ source: 'start', target: 'nowhere' }],
    };

    const response = await create({ ...exampleAgent, workflow_config: workflow });

    expect(response.statusCode).toBe(422);
    expect(response.json().details.fields.map((entry: { field: string }) => entry.field).sort()).toEqual(
      ['body.workflow_config.edges.0.target', 'body.workflow_config.nodes', 'body.workflow_config.nodes.1.id'].sort(),
    );
    expect(await countRows()).toEqual({ agents: 0, versions: 0 });
  });

  it('accepts a diamond (two paths to one node is not a cycle) and an empty graph', async () => {
    const diamond = {
      nodes: [start, { id: 'left', type: 'agent' }, { id: 'right', type: 'agent' }, end],
      edges: [
        { source: 'start', target: 'left' },
        { source: 'start', target: 'right' },
        { source: 'left', target: 'end' },
        { source: 'right', target: 'end' },
      ],
    };

    const withDiamond = await createExample({ workflow_config: diamond });
    const withEmpty = await createExample({ workflow_config: { nodes: [], edges: [] } });

    expect(withDiamond.workflow_config).toEqual(diamond);
    expect(withEmpty.workflow_config).toEqual({ nodes: [], edges: [] });
  });
});
