/**
 * What the execution-logs test files share: a clock that runs, workflows built from node lists, and
 * calls against /api/v1/execution-logs. Not named *.test.ts, so vitest imports it instead of running it.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { defineTool, ToolError } from '../../engine/tools/tool.js';
import type { TestApp } from '../../test-kit/build-test-app.js';
import { createAgent, createModelConfig, type TestUser } from '../../test-kit/factories.js';
import { FixedClock } from '../../test-kit/fixed-clock.js';
import type { ModelServer } from '../../test-kit/model-server/index.js';

/** Where the routes start. */
export const logsUrl = '/api/v1/execution-logs';

/**
 * Wall-clock time that never repeats an instant: every reading is at least 1 ms after the last. Node
 * windows then have real durations (a delay node takes its time) and sequential nodes never share an
 * instant, so a call is placed on one node only, as in production.
 */
export class SteadyClock extends FixedClock {
  private last = 0;

  override now(): Date {
    this.last = Math.max(Date.now(), this.last + 1);
    return new Date(this.last);
  }
}

/** A node of a test graph. */
export type TestNode = { id: string; type: string; config?: Record<string, unknown> };

/** Creates a workflow of `owner` from nodes and [source, target] edges; resolves to its id. */
export async function createWorkflow(testApp: TestApp, owner: TestUser, nodes: TestNode[], edges: Array<[string, string]>): Promise<string> {
  const graph = {
    nodes: nodes.map((node) => ({ config: {}, ...node })),
    edges: edges.map(([source, target]) => ({ source, target })),
  };
  const workflow = await testApp.container.services.workflows.create({ userId: owner.id, role: 'user' }, {
    name: `wf-${randomUUID().slice(0, 8)}`,
    description: '',
    graph,
    environment: {},
  } as never);
  return workflow.id;
}

/** Runs a workflow synchronously through the API and resolves to the execution it answers. */
export async function execute(testApp: TestApp, owner: TestUser, workflowId: string, input: Record<string, unknown> = {}) {
  const response = await testApp.app.inject({
    method: 'POST',
    url: `/api/v1/workflows/${workflowId}/execute`,
    headers: owner.headers,
    payload: { input },
  });
  if (response.statusCode !== 200) throw new Error(`execute: expected 200, got ${response.statusCode}: ${response.body}`);
  return response.json() as { id: string; status: string; output: Record<string, unknown> | null };
}

/** GET under /api/v1/execution-logs as `owner` (anonymous when `owner` is null). */
export function getLogs(testApp: TestApp, owner: TestUser | null, path: string) {
  return testApp.app.inject({ method: 'GET', url: `${logsUrl}${path}`, ...(owner ? { headers: owner.headers } : {}) });
}

/** Test tools: `lookup` answers facts about a topic, `always_fails` always refuses. */
export function registerTestTools(testApp: TestApp): void {
  testApp.container.tools.register(
    defineTool({
      name: 'lookup',
      category: 'test',
      description: 'Looks a topic up.',
      inputSchema: z.object({ topic: z.string() }),
      execute: async (input) => ({ facts: `facts about ${input.topic}` }),
    }),
  );
  testApp.container.tools.register(
    defineTool({
      name: 'always_fails',
      category: 'test',
      description: 'Always refuses.',
      inputSchema: z.object({}),
      execute: async () => {
        throw new ToolError('the upstream service refused the request');
      },
    }),
  );
}

/**
 * Runs the pipeline (needs {@link registerTestTools}): a tool node, an agent node, a sub-workflow
 * with an llm node, then an llm node; three scripted model replies of 14, 9 and 6 tokens.
 *
 *   start -> fetch (tool) -> ask (agent) -> sub (sub_workflow: start -> think (llm) -> end) -> write (llm) -> end
 */
export async function pipeline(testApp: TestApp, user: TestUser, server: ModelServer) {
  const model = await createModelConfig(testApp, user, { base_url: server.baseUrl });
  const agent = await createAgent(testApp, user, { name: 'Helper', model_config: null, model_config_id: model.id });
  const childId = await createWorkflow(
    testApp,
    user,
    [
      { id: 'start', type: 'start' },
      { id: 'think', type: 'llm', config: { model_config_id: model.id, prompt: 'Think about {{start.input.topic}}' } },
      { id: 'end', type: 'end', config: { outputs: { thought: '{{think.output.text}}' } } },
    ],
    [['start', 'think'], ['think', 'end']],
  );
  const parentId = await createWorkflow(
    testApp,
    user,
    [
      { id: 'start', type: 'start' },
      { id: 'fetch', type: 'tool', config: { tool: 'lookup', arguments: { topic: '{{start.input.topic}}' } } },
      { id: 'ask', type: 'agent', config: { agent_id: agent.id, message: 'Tell me about {{start.input.topic}}' } },
      { id: 'sub', type: 'sub_workflow', config: { workflow_id: childId, input: { topic: '{{start.input.topic}}' } } },
      { id: 'write', type: 'llm', config: { model_config_id: model.id, prompt: 'Sum up {{ask.output.content}} and {{sub.output.thought}}' } },
      { id: 'end', type: 'end', config: { outputs: { summary: '{{write.output.text}}' } } },
    ],
    [['start', 'fetch'], ['fetch', 'ask'], ['ask', 'sub'], ['sub', 'write'], ['write', 'end']],
  );
  server.enqueue(
    { text: 'Rivers flow.', usage: { prompt_tokens: 11, completion_tokens: 3 } },
    { text: 'A thought.', usage: { prompt_tokens: 7, completion_tokens: 2 } },
    { text: 'Summary.', usage: { prompt_tokens: 5, completion_tokens: 1 } },
  );
  const execution = await execute(testApp, user, parentId, { topic: 'rivers' });
  return { execution, agent, model, childId, parentId };
}
