import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import type { TestUser } from '../../test-kit/factories.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';
import { useModelServer } from '../../test-kit/use-model-server.js';
import { createWorkflow, getLogs, pipeline, registerTestTools, SteadyClock } from './execution-logs.test-helpers.js';

/** The execution search and stats over real runs: the pipeline (a workflow, its agent run and sub-workflow) and a failed workflow. */
const server = useModelServer();
let testApp: TestApp;
let user: TestUser;

useAppPerTest(
  (app, owner) => {
    testApp = app;
    user = owner;
    registerTestTools(app);
  },
  { clock: new SteadyClock() },
);

type Item = Record<string, unknown>;
const runPipeline = () => pipeline(testApp, user, server);

describe('search and stats', () => {
  async function runFailing() {
    const workflowId = await createWorkflow(
      testApp,
      user,
      [
        { id: 'start', type: 'start' },
        { id: 'boom', type: 'tool', config: { tool: 'always_fails' } },
        { id: 'end', type: 'end', config: { outputs: {} } },
      ],
      [['start', 'boom'], ['boom', 'end']],
    );
    const response = await testApp.app.inject({ method: 'POST', url: `/api/v1/workflows/${workflowId}/execute`, headers: user.headers, payload: {} });
    return response.json() as { id: string; status: string };
  }

  const ids = (page: { items: Item[] }) => page.items.map((item) => item.id);
  const search = async (query: string) => (await getLogs(testApp, user, `?${query}`)).json();

  it('filters by kind, status, workflow, agent, node type, text, parents and time', async () => {
    const { execution, agent, parentId } = await runPipeline();
    const failing = await runFailing();

    const all = await search('');
    const [agentRunId, subRunId] = (await getLogs(testApp, user, `/${execution.id}/call-chain`)).json().root.children.map((child: Item) => child.run_id);

    const errorLines = (await getLogs(testApp, user, `/${failing.id}?level=error`)).json().lines;

    expect(failing.status).toBe('failed');
    expect(errorLines.map((line: Item) => [line.event, line.node_id ?? null])).toEqual([
      ['node_finished', 'boom'],
      ['error', null],
    ]);
    expect(errorLines[0].message).toMatch(/^node boom \(tool\) failed in \d+ ms after 1 attempt\(s\): TOOL_ERROR: the upstream service refused the request$/);
    expect(all.total).toBe(4);
    expect(ids(all)[0]).toBe(failing.id);
    expect(ids(await search('root_only=true')).sort()).toEqual([execution.id, failing.id].sort());
    expect(ids(await search('kind=workflow')).sort()).toEqual([execution.id, subRunId, failing.id].sort());
    expect(ids(await search('kind=chat'))).toEqual([agentRunId]);
    expect(ids(await search(`agent_id=${agent.id}`))).toEqual([agentRunId]);
    expect((await search(`workflow_id=${parentId}`)).items).toEqual([expect.objectContaining({ id: execution.id, node_count: 6 })]);
    expect(ids(await search('node_type=sub_workflow'))).toEqual([execution.id]);
    expect((await search('status=failed')).items).toEqual([
      expect.objectContaining({ id: failing.id, failed_node_count: 1, error: expect.objectContaining({ code: 'WORKFLOW_NODE_FAILED' }) }),
    ]);
    expect(ids(await search('q=REFUSED'))).toEqual([failing.id]);
    expect(ids(await search('q=boom'))).toEqual([failing.id]);
    expect((await search('q=100%25')).total).toBe(0);
    expect((await search('from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z')).total).toBe(4);
    expect((await search('from=2100-01-01T00:00:00Z')).total).toBe(0);
    expect(await search('page_size=1&page=2')).toMatchObject({ total: 4, page: 2, page_size: 1, items: [expect.anything()] });
  });

  it('counts by status and kind, with durations, tokens, calls and node types', async () => {
    const { childId } = await runPipeline();
    await runFailing();

    const stats = (await getLogs(testApp, user, '/stats')).json();
    const chatOnly = (await getLogs(testApp, user, '/stats?kind=chat')).json();
    const child = (await getLogs(testApp, user, `/stats?workflow_id=${childId}`)).json();
    const future = (await getLogs(testApp, user, '/stats?from=2100-01-01T00:00:00Z')).json();

    expect(stats).toMatchObject({ total: 4, by_status: { succeeded: 3, failed: 1 }, by_kind: { workflow: 3, chat: 1 }, from: null });
    expect(stats.token_usage.total_tokens).toBe(29 + 14 + 9);
    expect(stats.model_calls).toMatchObject({ count: 3, failed: 0, total_tokens: 29 });
    expect(stats.tool_calls).toMatchObject({ count: 2, failed: 1 });
    expect(stats.node_types.find((row: Item) => row.node_type === 'tool')).toMatchObject({ count: 2, failed: 1 });
    expect(stats.duration_ms.p95).toBeGreaterThanOrEqual(stats.duration_ms.p50);
    expect(chatOnly).toMatchObject({ total: 1, model_calls: { count: 1, total_tokens: 14 }, node_types: [] });
    expect(child).toMatchObject({ total: 1, by_kind: { workflow: 1 }, model_calls: { count: 1 } });
    expect(future).toMatchObject({ total: 0, by_status: {}, duration_ms: { avg: null, p95: null }, from: '2100-01-01T00:00:00.000Z' });
  });
});
