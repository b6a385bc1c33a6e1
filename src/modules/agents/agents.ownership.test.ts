import { describe, expect, it } from 'vitest';
import { createUser } from '../../test-kit/factories.js';
import {
  countRows,
  createExample,
  exampleAgent,
  expectNotFound,
  expectValidationError,
  fetchAgent,
  missingId,
  request,
  snapshot,
  testApp,
  update,
  user,
  useAppPerTest,
} from './agents.test-helpers.js';

/** Every route under /api/v1/agents/{id}: someone else's agent is not found and stays as it was; a bad id is a 422. */
useAppPerTest();

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

const routes: Array<[string, Method, string, object | undefined]> = [
  ['get', 'GET', '', undefined],
  ['update', 'PUT', '', { name: 'Hijacked' }],
  ['delete', 'DELETE', '', undefined],
  ['deploy', 'POST', '/deploy', undefined],
  ['stop', 'POST', '/stop', undefined],
  ['duplicate', 'POST', '/duplicate', undefined],
  ['export', 'GET', '/export', undefined],
  ['versions', 'GET', '/versions', undefined],
  ['one version', 'GET', '/versions/1', undefined],
];

describe("another user's agent", () => {
  it.each(routes)('%s answers 404 AGENT_NOT_FOUND and changes nothing', async (_route, method, suffix, payload) => {
    const owner = await createUser(testApp);
    const theirs = await createExample({ name: 'Their agent' }, owner);
    await update(theirs.id, { description: 'second version' }, owner);
    const before = await snapshot();

    const response = await request(method, `/${theirs.id}${suffix}`, user, payload);

    expectNotFound(response, 'AGENT_NOT_FOUND');
    expect(response.body).not.toContain('Their agent');
    expect(await snapshot()).toBe(before);
    expect(await countRows()).toEqual({ agents: 1, versions: 2 });
  });

  it.each(routes)('%s answers the same 404 for an id that does not exist', async (_route, method, suffix, payload) => {
    const response = await request(method, `/${missingId}${suffix}`, user, payload);

    expectNotFound(response, 'AGENT_NOT_FOUND');
    expect(response.json().details).toEqual({ id: missingId });
  });

  it("leaves the owner's view intact after every foreign attempt", async () => {
    const owner = await createUser(testApp);
    const theirs = await createExample({}, owner);

    for (const [, method, suffix, payload] of routes) {
      await request(method, `/${theirs.id}${suffix}`, user, payload);
    }

    expect(await fetchAgent(theirs.id, owner)).toEqual(theirs);
    expect((await request('GET', '', user)).json().total).toBe(0);
  });
});

describe('a path id that is not a UUID', () => {
  it.each(routes)('%s answers 422 naming params.agent_id and changes nothing', async (_route, method, suffix, payload) => {
    await createExample();
    const before = await snapshot();

    const response = await request(method, `/not-a-uuid${suffix}`, user, payload);

    expectValidationError(response, 'params.agent_id');
    expect(await snapshot()).toBe(before);
  });
});

describe('without a token', () => {
  it.each(routes)('%s answers 401 and changes nothing', async (_route, method, suffix, payload) => {
    const created = await createExample();
    const before = await snapshot();

    const response = await testApp.app.inject({
      method,
      url: `/api/v1/agents/${created.id}${suffix}`,
      ...(payload ? { payload } : {}),
    });

    expect(response.statusCode).toBe(401);
    expect(await snapshot()).toBe(before);
  });

  it('import answers 401 and stores nothing', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/agents/import',
      payload: { format: 'tiangong.agent', format_version: 1, agent: exampleAgent },
    });

    expect(response.statusCode).toBe(401);
    expect(await countRows()).toEqual({ agents: 0, versions: 0 });
  });
});
