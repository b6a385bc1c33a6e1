import { describe, expect, it } from 'vitest';
import { createAgent, createUser } from '../../test-kit/factories.js';
import {
  countRows,
  createExample,
  definitionOf,
  exampleAgent,
  expectNotFound,
  fetchAgent,
  missingId,
  request,
  snapshot,
  testApp,
  update,
  user,
  useAppPerTest,
} from './agents.test-helpers.js';

/** Create, read and delete of /api/v1/agents. */
useAppPerTest();

describe('POST /api/v1/agents', () => {
  it("answers 201 with exactly the agent's fields, the seed's example body round-tripping", async () => {
    const response = await request('POST', '', user, exampleAgent);

    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(
      [
        'created_at',
        'description',
        'id',
        'include_tools',
        'iteration_limit',
        'knowledge_base_ids',
        'memory',
        'model_config',
        'model_config_id',
        'name',
        'opening_message',
        'owner_id',
        'status',
        'suggested_questions',
        'system_prompt',
        'updated_at',
        'variables',
        'version',
        'workflow_config',
      ].sort(),
    );
    expect(body).toEqual({
      ...exampleAgent,
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      model_config_id: null,
      knowledge_base_ids: [],
      memory: { history_messages: 40, history_tokens: 12000 },
      opening_message: null,
      suggested_questions: [],
      variables: [],
      status: 'draft',
      version: 1,
      owner_id: user.id,
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    });
  });

  it('fills the defaults when only a name is given', async () => {
    const response = await request('POST', '', user, { name: 'Minimal' });

    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      name: 'Minimal',
      description: '',
      system_prompt: '',
      model_config: null,
      model_config_id: null,
      iteration_limit: 15,
      include_tools: [],
      knowledge_base_ids: [],
      workflow_config: null,
      memory: { history_messages: 40, history_tokens: 12000 },
      opening_message: null,
      suggested_questions: [],
      variables: [],
      status: 'draft',
      version: 1,
      owner_id: user.id,
    });
  });

  it('stores the optional fields as given, and the owner is the caller whatever the body says', async () => {
    const other = await createUser(testApp);
    const fields = {
      name: '  Trimmed name  ',
      iteration_limit: 3,
      memory: { history_messages: 5, history_tokens: 900 },
      opening_message: 'Hello! Ask me anything.',
      suggested_questions: ['What can you do?'],
      variables: [{ name: 'topic', description: 'Subject', default: 'science', required: true }],
    };

    const created = await createAgent(testApp, other, fields);

    expect(created).toMatchObject({ ...fields, name: 'Trimmed name', owner_id: other.id });
    expect(await fetchAgent(created.id, other)).toEqual(created);
  });

  it('stores version 1 of the definition together with the agent', async () => {
    const created = await createExample();

    const versions = await request('GET', `/${created.id}/versions`, user);

    expect(versions.json()).toEqual([
      { version: 1, created_at: '2026-01-01T00:00:00.000Z', definition: definitionOf(created) },
    ]);
    expect(await countRows()).toEqual({ agents: 1, versions: 1 });
  });

  it('answers 401 without a token and stores nothing', async () => {
    const response = await testApp.app.inject({ method: 'POST', url: '/api/v1/agents', payload: exampleAgent });

    expect(response.statusCode).toBe(401);
    expect(await countRows()).toEqual({ agents: 0, versions: 0 });
  });
});

describe('GET /api/v1/agents/{id}', () => {
  it('answers the agent as created', async () => {
    const created = await createExample();

    const response = await request('GET', `/${created.id}`, user);

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(created);
  });

  it("answers 404 AGENT_NOT_FOUND for another user's agent, as for an id that does not exist", async () => {
    const other = await createUser(testApp);
    const theirs = await createExample({ name: 'Their secret agent' }, other);

    const foreign = await request('GET', `/${theirs.id}`, user);
    const absent = await request('GET', `/${missingId}`, user);

    expectNotFound(foreign, 'AGENT_NOT_FOUND');
    expectNotFound(absent, 'AGENT_NOT_FOUND');
    expect(foreign.body).not.toContain('Their secret agent');
    expect(foreign.json().message.replace(theirs.id, '<id>')).toBe(absent.json().message.replace(missingId, '<id>'));
  });

  it('answers 404 to an administrator too: only delete reaches across owners', async () => {
    const admin = await createUser(testApp, { role: 'admin' });
    const created = await createExample();

    const response = await request('GET', `/${created.id}`, admin);

    expectNotFound(response, 'AGENT_NOT_FOUND');
  });
});

describe('DELETE /api/v1/agents/{id}', () => {
  it('answers 204 with an empty body, then 404, and the versions are gone with the agent', async () => {
    const created = await createExample();
    await update(created.id, { name: 'Second version' });
    const kept = await createExample({ name: 'Kept' });
    expect(await countRows()).toEqual({ agents: 2, versions: 3 });

    const response = await request('DELETE', `/${created.id}`, user);

    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expectNotFound(await request('GET', `/${created.id}`, user), 'AGENT_NOT_FOUND');
    expectNotFound(await request('GET', `/${created.id}/versions`, user), 'AGENT_NOT_FOUND');
    expect(await countRows()).toEqual({ agents: 1, versions: 1 });
    expect(await fetchAgent(kept.id)).toEqual(kept);
  });

  it('answers 404 to a second delete', async () => {
    const created = await createExample();
    await request('DELETE', `/${created.id}`, user);

    const response = await request('DELETE', `/${created.id}`, user);

    expectNotFound(response, 'AGENT_NOT_FOUND');
  });

  it("lets an administrator delete another user's agent", async () => {
    const admin = await createUser(testApp, { role: 'admin' });
    const created = await createExample();

    const response = await request('DELETE', `/${created.id}`, admin);

    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expectNotFound(await request('GET', `/${created.id}`, user), 'AGENT_NOT_FOUND');
    expect(await countRows()).toEqual({ agents: 0, versions: 0 });
  });

  it('answers 404 to an administrator for an id that does not exist', async () => {
    const admin = await createUser(testApp, { role: 'admin' });
    await createExample();

    const response = await request('DELETE', `/${missingId}`, admin);

    expectNotFound(response, 'AGENT_NOT_FOUND');
    expect(await countRows()).toEqual({ agents: 1, versions: 1 });
  });

  it('answers 404 to another user who is not an administrator, and the agent stays', async () => {
    const other = await createUser(testApp);
    const created = await createExample();
    const before = await snapshot();

    const response = await request('DELETE', `/${created.id}`, other);

    expectNotFound(response, 'AGENT_NOT_FOUND');
    expect(await snapshot()).toBe(before);
    expect(await fetchAgent(created.id)).toEqual(created);
  });

  it('answers 422 for an id that is not a UUID and deletes nothing', async () => {
    await createExample();

    const response = await request('DELETE', '/1', user);

    expect(response.statusCode).toBe(422);
    expect(await countRows()).toEqual({ agents: 1, versions: 1 });
  });
});
