import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolCalls } from '../../platform/db/schema/index.js';
import type { TestApp } from '../../test-kit/build-test-app.js';
import { createAgent, createModelConfig, type TestUser } from '../../test-kit/factories.js';
import { startUpstream, type Upstream } from '../../test-kit/http-upstream.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';
import { useModelServer } from '../../test-kit/use-model-server.js';

/** OpenAPI import: one HTTP tool per operation; and an agent using built-in, HTTP and code tools in one turn. */
const model = useModelServer();
let upstream: Upstream;
let testApp: TestApp;
let user: TestUser;

beforeAll(async () => {
  upstream = await startUpstream((request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ path: request.url, method: request.method, body: request.body ? JSON.parse(request.body) : null }));
  });
});
afterAll(async () => upstream.close());
useAppPerTest((app, owner) => {
  testApp = app;
  user = owner;
});

const petstore = () => `
openapi: 3.0.3
info: { title: Pets, version: "1" }
servers: [{ url: "http://127.0.0.1:${upstream.port}/v1" }]
components:
  schemas:
    Pet:
      type: object
      properties: { name: { type: string }, tag: { type: string } }
      required: [name]
  parameters:
    PetId: { name: petId, in: path, required: true, schema: { type: integer }, description: The pet's id }
paths:
  /pets:
    get:
      operationId: listPets
      summary: List pets, optionally by tag
      parameters: [{ name: tag, in: query, schema: { type: string } }, { name: limit, in: query, schema: { type: integer } }]
    post:
      operationId: createPet
      summary: Add a pet
      requestBody: { required: true, content: { application/json: { schema: { $ref: "#/components/schemas/Pet" } } } }
  /pets/{petId}:
    get:
      operationId: showPetById
      summary: One pet
      parameters: [{ $ref: "#/components/parameters/PetId" }]
    head:
      operationId: headPet
`;

function importDocument(payload: object) {
  return testApp.app.inject({ method: 'POST', url: '/api/v1/tools/import/openapi', headers: user.headers, payload });
}

function use(name: string, args: object) {
  return testApp.app.inject({ method: 'POST', url: `/api/v1/tools/${name}/use`, headers: user.headers, payload: { arguments: args } });
}

describe('POST /api/v1/tools/import/openapi', () => {
  it('creates one tool per operation with parameters, body and auth, and calls them', async () => {
    const response = await importDocument({ document: petstore(), prefix: 'pets', auth: { type: 'bearer', token: 'pet-token-123456' } });
    const listed = await use('pets_list_pets', { tag: 'cat', limit: 2 });
    const shown = await use('pets_show_pet_by_id', { petId: 7 });
    const created = await use('pets_create_pet', { body: { name: 'Tom', tag: 'cat' } });

    expect(response.statusCode).toBe(201);
    expect(response.json().tools.map((tool: { name: string }) => tool.name).sort()).toEqual([
      'pets_create_pet',
      'pets_list_pets',
      'pets_show_pet_by_id',
    ]);
    expect(response.json().tools.find((tool: { name: string }) => tool.name === 'pets_create_pet').input_schema).toMatchObject({
      required: ['body'],
      properties: { body: { type: 'object', required: ['name'] } },
    });
    expect(listed.json().output.data).toEqual({ path: '/v1/pets?tag=cat&limit=2', method: 'GET', body: null });
    expect(shown.json().output.data.path).toBe('/v1/pets/7');
    expect(created.json().output.data).toMatchObject({ method: 'POST', body: { name: 'Tom', tag: 'cat' } });
    expect(upstream.received.at(-1)!.headers.authorization).toBe('Bearer pet-token-123456');
  });

  it('lists what could not be imported, and importing twice skips the taken names', async () => {
    await importDocument({ document: petstore() });

    const again = await importDocument({ document: petstore() });

    expect(again.statusCode).toBe(201);
    expect(again.json().tools).toEqual([]);
    expect(again.json().skipped.map((entry: { operation: string }) => entry.operation).sort()).toEqual([
      'GET /pets',
      'GET /pets/{petId}',
      'POST /pets',
    ]);
  });

  it('refuses a document that is not OpenAPI 3, or has no server URL, with 422', async () => {
    const responses = await Promise.all([
      importDocument({ document: { swagger: '2.0', paths: {} } }),
      importDocument({ document: 'openapi: 3.1.0\npaths: {}\n' }),
      importDocument({ document: 'not: [valid' }),
    ]);

    expect(responses.map((response) => response.statusCode)).toEqual([422, 422, 422]);
    expect(responses[1]!.json().details.fields[0].message).toContain('server_url');
  });
});

describe('an agent with built-in, HTTP and code tools', () => {
  it('calls all three in one step (in parallel) and answers from their results', async () => {
    await importDocument({ document: petstore(), prefix: 'pets' });
    await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/tools',
      headers: user.headers,
      payload: {
        name: 'double',
        description: 'Doubles a number exactly, in the sandbox.',
        type: 'code',
        input_schema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
        code: { language: 'javascript', code: 'function main(input) { return input.n * 2; }' },
      },
    });
    const config = await createModelConfig(testApp, user, { base_url: model.baseUrl });
    const agent = await createAgent(testApp, user, {
      model_config: null,
      model_config_id: config.id,
      include_tools: ['calculator', 'pets_list_pets', 'double'],
    });
    model.enqueue(
      {
        toolCalls: [
          { id: 'c1', name: 'calculator', arguments: { expression: '6*7' } },
          { id: 'c2', name: 'pets_list_pets', arguments: { tag: 'dog' } },
          { id: 'c3', name: 'double', arguments: { n: 21 } },
        ],
      },
      { text: '42, dogs listed, and 42 again.' },
    );

    const response = await testApp.app.inject({
      method: 'POST',
      url: `/api/v1/agent-chat/${agent.id}`,
      headers: user.headers,
      payload: { message: 'Do all three' },
    });
    const results = (model.requests[1]!.body!.messages as Array<{ role: string; tool_call_id?: string; content: string }>).filter(
      (message) => message.role === 'tool',
    );
    const byCall = Object.fromEntries(results.map((message) => [message.tool_call_id, JSON.parse(message.content)]));

    expect(response.json().content).toBe('42, dogs listed, and 42 again.');
    expect(byCall.c1).toMatchObject({ result: 42 });
    expect(byCall.c2).toMatchObject({ status: 200, data: { path: '/v1/pets?tag=dog' } });
    expect(byCall.c3).toMatchObject({ result: 42 });
  });

  it('records every tool call with its agent and run for monitoring', async () => {
    const config = await createModelConfig(testApp, user, { base_url: model.baseUrl });
    const agent = await createAgent(testApp, user, { model_config: null, model_config_id: config.id, include_tools: ['calculator'] });
    model.enqueue({ toolCalls: [{ name: 'calculator', arguments: { expression: '1/0' } }] }, { text: 'Cannot divide by zero.' });

    const answer = (
      await testApp.app.inject({ method: 'POST', url: `/api/v1/agent-chat/${agent.id}`, headers: user.headers, payload: { message: '1/0?' } })
    ).json();
    await use('calculator', { expression: '2+2' });
    await testApp.container.services.toolUsage.flush();
    const rows = await testApp.container.database.db.select().from(toolCalls).orderBy(toolCalls.createdAt, toolCalls.id);

    expect(rows.map((row) => [row.toolName, row.agentId, row.runId, row.status, row.userId])).toEqual([
      ['calculator', agent.id, answer.run_id, 'failed', user.id],
      ['calculator', null, null, 'succeeded', user.id],
    ]);
    expect(rows[0]!.error).toMatch(/zero/i);
  });
});
