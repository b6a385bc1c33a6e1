import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import { createAgent, createModelConfig, type TestUser } from '../../test-kit/factories.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';
import { useModelServer } from '../../test-kit/use-model-server.js';
import { createWorkflow, execute, getLogs, pipeline, registerTestTools, SteadyClock } from './execution-logs.test-helpers.js';

/** Real executions (tool, agent, sub-workflow and llm nodes against the scripted model server) read back as logs. */
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

type Item = Record<string, unknown> & { node_id?: string | null };
const byNode = (items: Item[], nodeId: string) => items.find((item) => item.node_id === nodeId)!;

const runPipeline = () => pipeline(testApp, user, server);

describe('the log of one execution', () => {
  it('lists every node in order and the event log without token deltas', async () => {
    const { execution, parentId } = await runPipeline();

    const log = (await getLogs(testApp, user, `/${execution.id}`)).json();

    expect(execution.status).toBe('succeeded');
    expect(log).toMatchObject({ id: execution.id, kind: 'workflow', status: 'succeeded', workflow_id: parentId, workflow_version: 1, trigger: 'api' });
    expect(log).toMatchObject({ node_count: 6, failed_node_count: 0, child_run_count: 2, output: { summary: 'Summary.' }, lines_truncated: false });
    expect(log.nodes.map((node: Item) => `${node.node_id}:${node.status}`)).toEqual(['start', 'fetch', 'ask', 'sub', 'write', 'end'].map((id) => `${id}:succeeded`));
    expect(log.token_usage.total_tokens).toBe(29);
    expect(log.lines[0]).toMatchObject({ seq: 1, event: 'workflow_started', level: 'info', node_id: null });
    expect(log.lines.at(-1)).toMatchObject({ event: 'done', message: 'finished: succeeded' });
    expect(byNode(log.lines.filter((line: Item) => line.event === 'node_finished'), 'write').message).toMatch(
      /^node write \(llm\) succeeded in \d+ ms after 1 attempt\(s\)$/,
    );
    expect(log.lines.map((line: { seq: number }) => line.seq)).toEqual([...log.lines.map((line: { seq: number }) => line.seq)].sort((a, b) => a - b));
    expect(log.lines.some((line: Item) => line.event === 'node_token' || line.event === 'token')).toBe(false);
  });

  it("shows one node's input, output, calls and the runs it started", async () => {
    const { execution, agent, childId } = await runPipeline();

    const fetch = (await getLogs(testApp, user, `/${execution.id}/nodes/fetch`)).json();
    const ask = (await getLogs(testApp, user, `/${execution.id}/nodes/ask`)).json();
    const sub = (await getLogs(testApp, user, `/${execution.id}/nodes/sub`)).json();
    const write = (await getLogs(testApp, user, `/${execution.id}/nodes/write`)).json();

    expect(fetch).toMatchObject({ execution_id: execution.id, node_type: 'tool', status: 'succeeded', attempts: 1, input: { tool: 'lookup', arguments: { topic: 'rivers' } } });
    expect(fetch.output).toEqual({ result: { facts: 'facts about rivers' } });
    expect(fetch.tool_calls).toEqual([expect.objectContaining({ tool_name: 'lookup', node_id: 'fetch', depth: 0, status: 'succeeded', run_id: execution.id })]);
    expect(fetch.model_calls).toEqual([]);
    expect(fetch.lines.map((line: Item) => line.event)).toEqual(['node_started', 'node_finished']);
    expect(ask.child_runs).toEqual([expect.objectContaining({ run_id: ask.output.run_id, kind: 'chat', agent_id: agent.id, status: 'succeeded' })]);
    expect(ask.model_calls).toEqual([expect.objectContaining({ run_id: ask.output.run_id, depth: 1, node_id: null, total_tokens: 14 })]);
    expect(sub).toMatchObject({ node_type: 'sub_workflow', input: { workflow_id: childId }, output: { thought: 'A thought.' }, token_usage: { total_tokens: 9 } });
    expect(sub.child_runs).toEqual([expect.objectContaining({ kind: 'workflow', workflow_id: childId, status: 'succeeded' })]);
    expect(sub.model_calls).toEqual([expect.objectContaining({ node_id: 'think', depth: 1, total_tokens: 9, operation: 'generate' })]);
    expect(write.model_calls).toEqual([expect.objectContaining({ node_id: 'write', depth: 0, run_id: execution.id, prompt_tokens: 5, completion_tokens: 1 })]);
    expect(write.child_runs).toEqual([]);
  });
});

describe('a running execution', () => {
  //   start -> wait (delay 1500 ms) -> end
  it('shows the node that has started and has no step yet as running', async () => {
    const workflowId = await createWorkflow(
      testApp,
      user,
      [
        { id: 'start', type: 'start' },
        { id: 'wait', type: 'delay', config: { ms: 1500 } },
        { id: 'end', type: 'end', config: { outputs: {} } },
      ],
      [['start', 'wait'], ['wait', 'end']],
    );
    const started = await testApp.app.inject({ method: 'POST', url: `/api/v1/workflows/${workflowId}/execute`, headers: user.headers, payload: { mode: 'async' } });
    const id = started.json().id as string;

    let log = (await getLogs(testApp, user, `/${id}`)).json();
    for (let attempt = 0; attempt < 100 && !log.nodes.some((node: Item) => node.node_id === 'wait'); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      log = (await getLogs(testApp, user, `/${id}`)).json();
    }
    const node = (await getLogs(testApp, user, `/${id}/nodes/wait`)).json();

    expect(log.status).toBe('running');
    expect(byNode(log.nodes, 'wait')).toMatchObject({ node_type: 'delay', status: 'running', finished_at: null, duration_ms: null });
    expect(node).toMatchObject({ node_id: 'wait', status: 'running', output: null, model_calls: [], child_runs: [] });
  });
});

describe('the call chain and the call lists', () => {
  it('nests the agent run and the sub-workflow under the nodes that started them, each with its calls', async () => {
    const { execution, agent, childId } = await runPipeline();

    const chain = (await getLogs(testApp, user, `/${execution.id}/call-chain`)).json();

    expect(chain).toMatchObject({ run_count: 3, max_depth: 10, truncated: false });
    const { root } = chain;
    expect(root).toMatchObject({ run_id: execution.id, depth: 0, node_id: null, status: 'succeeded' });
    expect(root.tool_calls).toEqual([expect.objectContaining({ tool_name: 'lookup', node_id: 'fetch' })]);
    expect(root.model_calls).toEqual([expect.objectContaining({ node_id: 'write', total_tokens: 6 })]);
    expect(root.children.map((child: Item) => [child.kind, child.node_id, child.depth])).toEqual([
      ['chat', 'ask', 1],
      ['workflow', 'sub', 1],
    ]);
    const [agentRun, subRun] = root.children;
    expect(agentRun).toMatchObject({ agent_id: agent.id, token_usage: { total_tokens: 14 }, children: [] });
    expect(agentRun.model_calls).toEqual([expect.objectContaining({ run_id: agentRun.run_id, total_tokens: 14 })]);
    expect(subRun).toMatchObject({ workflow_id: childId, model_calls: [expect.objectContaining({ node_id: 'think', depth: 1 })] });
  });

  it('pages the model and tool calls of the whole chain, oldest first, with filters', async () => {
    const { execution } = await runPipeline();
    const chain = (await getLogs(testApp, user, `/${execution.id}/call-chain`)).json();
    const subRunId = chain.root.children[1].run_id;

    const models = (await getLogs(testApp, user, `/${execution.id}/model-calls`)).json();
    const secondPage = (await getLogs(testApp, user, `/${execution.id}/model-calls?page=2&page_size=1`)).json();
    const ofSubRun = (await getLogs(testApp, user, `/${execution.id}/model-calls?run_id=${subRunId}`)).json();
    const failed = (await getLogs(testApp, user, `/${execution.id}/model-calls?status=failed`)).json();
    const tools = (await getLogs(testApp, user, `/${execution.id}/tool-calls`)).json();
    const fromSubRun = (await getLogs(testApp, user, `/${subRunId}/model-calls`)).json();

    expect(models.total).toBe(3);
    expect(models.items.map((call: Item) => [call.depth, call.node_id, call.total_tokens])).toEqual([
      [1, null, 14],
      [1, 'think', 9],
      [0, 'write', 6],
    ]);
    expect(secondPage).toMatchObject({ total: 3, page: 2, page_size: 1, items: [expect.objectContaining({ node_id: 'think' })] });
    expect(ofSubRun.items.map((call: Item) => call.node_id)).toEqual(['think']);
    expect(failed).toMatchObject({ total: 0, items: [] });
    expect(tools).toMatchObject({ total: 1, items: [expect.objectContaining({ tool_name: 'lookup', node_id: 'fetch', run_id: execution.id, depth: 0 })] });
    expect(fromSubRun.items).toEqual([expect.objectContaining({ node_id: 'think', depth: 0 })]);
  });
});

describe('performance', () => {
  //   start -> slow (delay 150 ms) ---> end
  //        \-> medium (delay 80 ms) -/
  it('names the slowest node, the time per node type, the critical path and the parallelism', async () => {
    const workflowId = await createWorkflow(
      testApp,
      user,
      [
        { id: 'start', type: 'start' },
        { id: 'slow', type: 'delay', config: { ms: 150 } },
        { id: 'medium', type: 'delay', config: { ms: 80 } },
        { id: 'end', type: 'end', config: { outputs: {} } },
      ],
      [['start', 'slow'], ['start', 'medium'], ['slow', 'end'], ['medium', 'end']],
    );
    const execution = await execute(testApp, user, workflowId);

    const report = (await getLogs(testApp, user, `/${execution.id}/performance?top=2`)).json();
    const nodes = (await getLogs(testApp, user, `/${execution.id}`)).json().nodes as Array<{ node_id: string; started_at: string; finished_at: string }>;

    expect(report.slowest_nodes.map((node: Item) => node.node_id)).toEqual(['slow', 'medium']);
    // Not 150: a timer may fire a millisecond before Date says 150 ms have passed (durations are whole milliseconds).
    expect(report.slowest_nodes[0].duration_ms).toBeGreaterThanOrEqual(145);
    expect(report.by_node_type[0]).toMatchObject({ node_type: 'delay', count: 2 });
    expect(report.critical_path.node_ids).toEqual(['start', 'slow', 'end']);
    // The two delays ran at once; the ratio itself is checked exactly in execution-performance.test.ts (timing here depends on the machine).
    const [slow, medium] = ['slow', 'medium'].map((id) => nodes.find((node) => node.node_id === id)!);
    expect(medium!.started_at < slow!.finished_at && slow!.started_at < medium!.finished_at).toBe(true);
    expect(report.parallelism).toBeCloseTo(report.node_time_ms / report.node_span_ms, 2);
    expect(report.duration_ms).toBeGreaterThanOrEqual(report.critical_path.duration_ms);
    expect(report.model_calls).toMatchObject({ count: 0, avg_latency_ms: null });
  });

  it('counts tokens per node and the calls of every nested run', async () => {
    const { execution } = await runPipeline();

    const report = (await getLogs(testApp, user, `/${execution.id}/performance`)).json();

    expect(report.tokens_by_node.map((node: Item) => [node.node_id, node.total_tokens])).toEqual([
      ['ask', 14],
      ['sub', 9],
      ['write', 6],
    ]);
    expect(report.model_calls).toMatchObject({ count: 3, failed: 0, total_tokens: 29 });
    expect(report.tool_calls).toMatchObject({ count: 1, failed: 0 });
    expect(report.critical_path.node_ids).toEqual(['start', 'fetch', 'ask', 'sub', 'write', 'end']);
  });
});

describe('a run that is not a workflow', () => {
  it("reads an agent chat turn's log, chain and calls by its run id", async () => {
    const model = await createModelConfig(testApp, user, { base_url: server.baseUrl });
    const agent = await createAgent(testApp, user, { model_config: null, model_config_id: model.id });
    server.enqueue({ text: 'Hello.', usage: { prompt_tokens: 4, completion_tokens: 2 } });
    const turn = (await testApp.app.inject({ method: 'POST', url: `/api/v1/agent-chat/${agent.id}`, headers: user.headers, payload: { message: 'Hi' } })).json();

    const log = (await getLogs(testApp, user, `/${turn.run_id}`)).json();
    const chain = (await getLogs(testApp, user, `/${turn.run_id}/call-chain`)).json();
    const report = (await getLogs(testApp, user, `/${turn.run_id}/performance`)).json();

    expect(log).toMatchObject({ kind: 'chat', agent_id: agent.id, workflow_id: null, nodes: [], node_count: 0, child_run_count: 0 });
    expect(log.lines.at(-1)).toMatchObject({ event: 'done' });
    expect(chain.root).toMatchObject({ run_id: turn.run_id, children: [], model_calls: [expect.objectContaining({ total_tokens: 6, node_id: null })] });
    expect(report).toMatchObject({ critical_path: null, slowest_nodes: [], model_calls: { count: 1 } });
  });
});
