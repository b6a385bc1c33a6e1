import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import { createUser, type TestUser } from '../../test-kit/factories.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';
import { createWorkflow, execute, getLogs } from './execution-logs.test-helpers.js';

/** Refusals of /api/v1/execution-logs: no token, malformed ids and filters, unknown and foreign executions. */
let testApp: TestApp;
let user: TestUser;

useAppPerTest((app, owner) => {
  testApp = app;
  user = owner;
});

//   start -> greet (template) -> end
async function greetingExecution(owner = user) {
  const workflowId = await createWorkflow(
    testApp,
    owner,
    [
      { id: 'start', type: 'start' },
      { id: 'greet', type: 'template', config: { template: 'Hello' } },
      { id: 'end', type: 'end', config: { outputs: { message: '{{greet.output.text}}' } } },
    ],
    [['start', 'greet'], ['greet', 'end']],
  );
  return execute(testApp, owner, workflowId);
}

/** Every route under one execution, for an id. */
const executionPaths = (id: string) => [`/${id}`, `/${id}/nodes/greet`, `/${id}/performance`, `/${id}/call-chain`, `/${id}/model-calls`, `/${id}/tool-calls`];

async function statusesOf(owner: TestUser | null, paths: string[]) {
  return Promise.all(
    paths.map(async (path) => {
      const response = await getLogs(testApp, owner, path);
      return { path, status: response.statusCode, error: response.json().error as string | undefined };
    }),
  );
}

describe('execution-logs refusals', () => {
  it('answers 401 without a token on every route', async () => {
    const answers = await statusesOf(null, ['', '/stats', ...executionPaths(randomUUID())]);

    expect(answers.map((answer) => [answer.path, answer.status, answer.error])).toEqual(
      answers.map((answer) => [answer.path, 401, 'AUTH_REQUIRED']),
    );
  });

  it('answers 404 EXECUTION_NOT_FOUND for an unknown id and for another user\'s execution, and leaves it out of their lists', async () => {
    const execution = await greetingExecution();
    const stranger = await createUser(testApp);

    const unknown = await statusesOf(user, executionPaths(randomUUID()));
    const foreign = await statusesOf(stranger, executionPaths(execution.id));
    const strangersList = (await getLogs(testApp, stranger, '')).json();
    const strangersStats = (await getLogs(testApp, stranger, '/stats')).json();
    const own = await statusesOf(user, executionPaths(execution.id));

    for (const answer of [...unknown, ...foreign]) expect([answer.path, answer.status, answer.error]).toEqual([answer.path, 404, 'EXECUTION_NOT_FOUND']);
    expect(strangersList).toMatchObject({ total: 0, items: [] });
    expect(strangersStats).toMatchObject({ total: 0 });
    expect(own.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it('answers 404 EXECUTION_NODE_NOT_FOUND for a node that never ran', async () => {
    const execution = await greetingExecution();

    const response = await getLogs(testApp, user, `/${execution.id}/nodes/nowhere`);

    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'EXECUTION_NODE_NOT_FOUND', details: { id: execution.id } });
  });

  it('answers 422 for malformed ids, naming the field', async () => {
    const id = randomUUID();
    const cases: Array<[string, string]> = [
      ['/not-a-uuid', 'params.execution_id'],
      ['/not-a-uuid/performance', 'params.execution_id'],
      ['/123/call-chain', 'params.execution_id'],
      [`/${id}/nodes/1-starts-with-a-digit`, 'params.node_id'],
      [`/${id}/nodes/${'n'.repeat(65)}`, 'params.node_id'],
      [`/${id}/model-calls?run_id=nope`, 'querystring.run_id'],
      [`/${id}/tool-calls?run_id=nope`, 'querystring.run_id'],
    ];

    for (const [path, field] of cases) {
      const response = await getLogs(testApp, user, path);
      expect([path, response.statusCode, response.json().error]).toEqual([path, 422, 'VALIDATION_ERROR']);
      expect(response.json().details.fields.map((entry: { field: string }) => entry.field)).toContain(field);
    }
  });

  it('answers 422 for bad filters and options', async () => {
    const id = randomUUID();
    const cases: Array<[string, string]> = [
      ['?kind=goal', 'querystring.kind'],
      ['?status=done', 'querystring.status'],
      ['?page=0', 'querystring.page'],
      ['?page_size=101', 'querystring.page_size'],
      ['?workflow_id=42', 'querystring.workflow_id'],
      ['?agent_id=me', 'querystring.agent_id'],
      ['?node_type=Not-A-Type', 'querystring.node_type'],
      ['?q=%20%20', 'querystring.q'],
      [`?q=${'x'.repeat(201)}`, 'querystring.q'],
      ['?root_only=perhaps', 'querystring.root_only'],
      ['?from=yesterday', 'querystring.from'],
      ['?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'querystring.to'],
      ['/stats?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'querystring.to'],
      ['/stats?kind=nope', 'querystring.kind'],
      [`/${id}?level=debug`, 'querystring.level'],
      [`/${id}/performance?top=0`, 'querystring.top'],
      [`/${id}/performance?top=51`, 'querystring.top'],
      [`/${id}/call-chain?max_depth=21`, 'querystring.max_depth'],
      [`/${id}/call-chain?max_depth=-1`, 'querystring.max_depth'],
      [`/${id}/model-calls?status=maybe`, 'querystring.status'],
      [`/${id}/tool-calls?status=cancelled`, 'querystring.status'],
      [`/${id}/tool-calls?page_size=0`, 'querystring.page_size'],
    ];

    for (const [path, field] of cases) {
      const response = await getLogs(testApp, user, path);
      expect([path, response.statusCode, response.json().error]).toEqual([path, 422, 'VALIDATION_ERROR']);
      expect(response.json().details.fields.map((entry: { field: string }) => entry.field)).toContain(field);
    }
  });
});
