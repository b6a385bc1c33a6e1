import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool, ToolError, type ToolContext } from '../../engine/tools/tool.js';
import type { TestApp } from '../../test-kit/build-test-app.js';
import { createAgent, createModelConfig, type TestUser } from '../../test-kit/factories.js';
import { parseEventStream } from '../../test-kit/sse-client.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';
import { useModelServer } from '../../test-kit/use-model-server.js';

/** An agent's include_tools reach the model, run with the caller's context, and persist in the session. */
const server = useModelServer();
let testApp: TestApp;
let user: TestUser;
const calls: Array<{ input: unknown; context: Omit<ToolContext, 'signal'> }> = [];

useAppPerTest((app, owner) => {
  testApp = app;
  user = owner;
  calls.length = 0;
  app.container.tools.register(
    defineTool({
      name: 'add_numbers',
      category: 'test',
      description: 'Adds two numbers and returns their sum.',
      inputSchema: z.object({ a: z.number(), b: z.number() }),
      execute: async (input, { signal: _signal, ...context }) => {
        calls.push({ input, context });
        return { sum: input.a + input.b };
      },
    }),
  );
  app.container.tools.register(
    defineTool({
      name: 'always_fails',
      category: 'test',
      description: 'A tool that always refuses, to see the model get the reason.',
      inputSchema: z.object({}),
      execute: async () => {
        throw new ToolError('the upstream service refused the request');
      },
    }),
  );
});

async function toolAgent(overrides: Record<string, unknown> = {}) {
  const config = await createModelConfig(testApp, user, { base_url: server.baseUrl, model_name: 'tool-model' });
  return createAgent(testApp, user, {
    name: 'Calculator',
    model_config: null,
    model_config_id: config.id,
    include_tools: ['add_numbers', 'always_fails'],
    ...overrides,
  });
}

function chat(agentId: string, payload: object, suffix = '') {
  return testApp.app.inject({ method: 'POST', url: `/api/v1/agent-chat/${agentId}${suffix}`, headers: user.headers, payload });
}

type SentMessage = { role: string; content?: unknown; tool_calls?: Array<{ function: { name: string } }>; tool_call_id?: string };
const sentMessages = (index: number) => server.requests[index]!.body!.messages as SentMessage[];

describe('an agent with tools', () => {
  it('calls a tool, answers with its result, and gives the tool the caller, agent and run', async () => {
    const agent = await toolAgent();
    server.enqueue(
      { toolCalls: [{ id: 'call_1', name: 'add_numbers', arguments: { a: 2, b: 40 } }] },
      { text: 'The sum is 42.' },
    );

    const response = await chat(agent.id, { message: 'What is 2 + 40?' });
    const body = response.json();

    expect(response.statusCode).toBe(200);
    expect(body.content).toBe('The sum is 42.');
    expect(calls).toEqual([{ input: { a: 2, b: 40 }, context: { userId: user.id, agentId: agent.id, runId: body.run_id } }]);
    const tools = server.requests[0]!.body!.tools as Array<{ function: { name: string } }>;
    expect(tools.map((tool) => tool.function.name).sort()).toEqual(['add_numbers', 'always_fails']);
    expect(sentMessages(1).at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_1', content: JSON.stringify({ sum: 42 }) });
  });

  it('stores the tool call and result, and sends them again with the next turn', async () => {
    const agent = await toolAgent();
    server.enqueue(
      { toolCalls: [{ id: 'call_1', name: 'add_numbers', arguments: { a: 1, b: 1 } }] },
      { text: 'Two.' },
      { text: 'You asked about 1 + 1.' },
    );

    const first = (await chat(agent.id, { message: 'What is 1 + 1?' })).json();
    await chat(agent.id, { message: 'What did I ask?', session_id: first.session_id });
    const history = await testApp.app.inject({
      url: `/api/v1/agents/${agent.id}/preview-chat-history?session_id=${first.session_id}`,
      headers: user.headers,
    });

    expect(history.json().messages.map((message: { role: string }) => message.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'assistant',
      'user',
      'assistant',
    ]);
    expect(history.json().messages[1]).toMatchObject({ tool_calls: [{ id: 'call_1', name: 'add_numbers', arguments: { a: 1, b: 1 } }] });
    expect(history.json().messages[2]).toMatchObject({ tool_call_id: 'call_1', tool_name: 'add_numbers', content: '{"sum":2}' });
    const resent = sentMessages(2);
    expect(resent.map((message) => message.role)).toEqual(['user', 'assistant', 'tool', 'assistant', 'user']);
    expect(resent[1]!.tool_calls![0]!.function.name).toBe('add_numbers');
    expect(resent[2]).toMatchObject({ tool_call_id: 'call_1' });
  });

  it('returns a failing tool, invalid arguments and an unknown tool to the model instead of failing the turn', async () => {
    const agent = await toolAgent();
    server.enqueue(
      {
        toolCalls: [
          { id: 'call_fail', name: 'always_fails', arguments: {} },
          { id: 'call_bad', name: 'add_numbers', arguments: { a: 'two' } },
        ],
      },
      { toolCalls: [{ id: 'call_ghost', name: 'no_such_tool', arguments: {} }] },
      { text: 'Sorry, I could not compute that.' },
    );

    const response = await chat(agent.id, { message: 'try' });
    const results = [...sentMessages(1), ...sentMessages(2)].filter((message) => message.role === 'tool');

    expect(response.statusCode).toBe(200);
    expect(response.json().content).toBe('Sorry, I could not compute that.');
    expect(calls).toEqual([]);
    const byCall = Object.fromEntries(results.map((message) => [message.tool_call_id, String(message.content)]));
    expect(byCall.call_fail).toContain('the upstream service refused the request');
    expect(byCall.call_bad).toMatch(/invalid|expected/i);
    expect(byCall.call_ghost).toMatch(/no_such_tool/);
  });

  it('stops at iteration_limit with an explicit stop reason in the run', async () => {
    const agent = await toolAgent({ iteration_limit: 2 });
    const again = { toolCalls: [{ name: 'add_numbers', arguments: { a: 1, b: 2 } }] };
    server.enqueue(again, again, again);

    const stream = await chat(agent.id, { message: 'loop forever' }, '/stream');
    const events = parseEventStream(stream.body);
    const runId = stream.headers['x-run-id'] as string;
    const run = await testApp.app.inject({ url: `/api/v1/runs/${runId}`, headers: user.headers });

    expect(server.requests).toHaveLength(2);
    expect(events.filter((event) => event.event === 'tool_call')).toHaveLength(2);
    expect(events.filter((event) => event.event === 'tool_result')).toHaveLength(2);
    expect(events.at(-1)!.event).toBe('done');
    expect(run.json()).toMatchObject({ status: 'succeeded', output: { stop_reason: 'iteration_limit' } });
  });

  it('streams tool_call and tool_result events with their ids and the result', async () => {
    const agent = await toolAgent();
    server.enqueue({ toolCalls: [{ id: 'call_9', name: 'add_numbers', arguments: { a: 4, b: 5 } }] }, { text: 'Nine.' });

    const events = parseEventStream((await chat(agent.id, { message: '4+5?' }, '/stream')).body);

    expect(events.find((event) => event.event === 'tool_call')!.data).toEqual({
      type: 'tool_call',
      id: 'call_9',
      name: 'add_numbers',
      arguments: { a: 4, b: 5 },
    });
    expect(events.find((event) => event.event === 'tool_result')!.data).toEqual({
      type: 'tool_result',
      id: 'call_9',
      name: 'add_numbers',
      result: { sum: 9 },
      is_error: false,
    });
  });
});
