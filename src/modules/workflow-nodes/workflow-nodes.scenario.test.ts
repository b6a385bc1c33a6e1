import { afterEach, describe, expect, it } from 'vitest';
import { createAgent, createModelConfig } from '../../test-kit/factories.js';
import { startUpstream, type Upstream } from '../../test-kit/http-upstream.js';
import { useModelServer } from '../../test-kit/use-model-server.js';
import { runNode, testApp, useNodesApp, user } from './workflow-nodes.test-helpers.js';

/** POST /api/v1/nodes/run: one node through its real type, error policy and the caller's services. */
const server = useModelServer();
useNodesApp();

let upstream: Upstream | undefined;
afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
});

describe('running a node alone', () => {
  it('renders a template node over the given scope: start input, earlier outputs and env', async () => {
    const response = await runNode({
      type: 'template',
      config: { template: '{{env.GREETING}}, {{start.input.name}} from {{geo.output.city}}!{{#geo.output.tags}} #{{.}}{{/geo.output.tags}}' },
      inputs: { start: { input: { name: 'Ada' } }, geo: { output: { city: 'Paris', tags: ['a', 'b'] } }, env: { GREETING: 'Hello' } },
    });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      node_id: 'node',
      node_type: 'template',
      status: 'succeeded',
      output: { text: 'Hello, Ada from Paris! #a #b' },
      error: null,
      branch: null,
      attempts: 1,
      duration_ms: 0,
      token_usage: null,
      trace_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('runs a code node in the sandbox with its resolved inputs', async () => {
    const response = await runNode({
      type: 'code',
      config: { language: 'javascript', code: 'function main(input) { return { total: input.values.reduce((a, b) => a + b, 0) }; }', inputs: { values: '{{sum.output.values}}' } },
      inputs: { sum: { output: { values: [40, 1, 1] } } },
    });

    expect(response.json()).toMatchObject({
      status: 'succeeded',
      input: { inputs: { values: [40, 1, 1] } },
      output: { total: 42, result: { total: 42 } },
    });
  });

  it('keeps code sandboxed: the host is out of reach', async () => {
    const response = await runNode({ type: 'code', config: { language: 'javascript', code: 'typeof process + "/" + typeof require' } });

    expect(response.json()).toMatchObject({ status: 'succeeded', output: { result: 'undefined/undefined' } });
  });

  it('applies the error policy: retries, then on_error continue or branch; a failure is a 200 with status failed', async () => {
    const failing = { type: 'code', config: { language: 'javascript', code: 'throw new Error("boom")' } };

    const failed = await runNode({ ...failing, error_policy: { retries: 1, backoff_ms: 0 } });
    const continued = await runNode({ ...failing, error_policy: { on_error: 'continue', default_output: { fallback: true } } });
    const branched = await runNode({ ...failing, error_policy: { on_error: 'branch' } });

    expect(failed.statusCode).toBe(200);
    expect(failed.json()).toMatchObject({ status: 'failed', attempts: 2, output: null, error: { message: expect.stringContaining('boom') } });
    expect(continued.json()).toMatchObject({ status: 'succeeded', output: { fallback: true }, error: { message: expect.stringContaining('boom') } });
    expect(branched.json()).toMatchObject({ status: 'succeeded', branch: 'error', output: { error: { message: expect.stringContaining('boom') } } });
  });

  it('chooses the branch of a condition node', async () => {
    const config = {
      cases: [
        { id: 'high', conditions: [{ left: '{{score.output.value}}', operator: 'greater_than', right: 90 }] },
        { id: 'mid', conditions: [{ left: '{{score.output.value}}', operator: 'greater_than', right: 50 }] },
      ],
    };

    const mid = await runNode({ type: 'condition', config, inputs: { score: { output: { value: 70 } } } });
    const none = await runNode({ type: 'condition', config, inputs: { score: { output: { value: 10 } } } });

    expect(mid.json()).toMatchObject({ status: 'succeeded', branch: 'mid', output: { case_id: 'mid' } });
    expect(none.json()).toMatchObject({ status: 'succeeded', branch: 'else', output: { case_id: null } });
  });

  it('sends an http node through the guarded client to a server the allow list opens (127.0.0.1 in tests)', async () => {
    upstream = await startUpstream((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"temperature":21}');
    });
    const url = `http://127.0.0.1:${upstream.port}/weather?city={{start.input.city}}`;

    const response = await runNode({
      type: 'http',
      config: { method: 'POST', url, headers: { 'x-trace': '{{env.TRACE}}' }, body: { city: '{{start.input.city}}' } },
      inputs: { start: { input: { city: 'Lyon' } }, env: { TRACE: 't-1' } },
    });

    expect(response.json()).toMatchObject({ status: 'succeeded', output: { status: 200, json: { temperature: 21 } } });
    expect(upstream.received).toHaveLength(1);
    expect(upstream.received[0]).toMatchObject({ method: 'POST', url: '/weather?city=Lyon', body: '{"city":"Lyon"}', headers: { 'x-trace': 't-1' } });
  });

  it('refuses a metadata address from an http node (SSRF guard): the node fails, nothing is fetched', async () => {
    const response = await runNode({ type: 'http', config: { url: 'http://169.254.169.254/latest/meta-data/' } });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'failed', error: { code: 'SSRF_BLOCKED' } });
  });

  it("calls the caller's model for an llm node and records the call under the trace id", async () => {
    const model = await createModelConfig(testApp, user, { base_url: server.baseUrl });
    server.enqueue({ text: 'Rivers run to the sea.' });

    const response = await runNode({
      type: 'llm',
      config: { model_config_id: model.id, system: 'Be brief.', prompt: 'A line about {{start.input.topic}}' },
      inputs: { start: { input: { topic: 'rivers' } } },
    });

    const result = response.json();
    expect(result).toMatchObject({ status: 'succeeded', output: { text: 'Rivers run to the sea.' } });
    expect(result.token_usage.total_tokens).toBeGreaterThan(0);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body!.messages).toEqual([
      expect.objectContaining({ role: 'system', content: 'Be brief.' }),
      expect.objectContaining({ role: 'user', content: 'A line about rivers' }),
    ]);
    await testApp.container.services.recorder.flush();
    const calls = await testApp.container.services.llmCalls.listByUser(user.id);
    expect(calls.map((call) => call.runId)).toEqual([result.trace_id]);
  });

  it("asks one of the caller's agents; the agent's own run names the trace id as its parent", async () => {
    const model = await createModelConfig(testApp, user, { base_url: server.baseUrl });
    const agent = await createAgent(testApp, user, { model_config: null, model_config_id: model.id });
    server.enqueue({ text: 'Bonjour.' });

    const response = await runNode({ type: 'agent', config: { agent_id: agent.id, message: 'Greet {{start.input.who}}' }, inputs: { start: { input: { who: 'Lin' } } } });

    const result = response.json();
    expect(result).toMatchObject({ status: 'succeeded', output: { content: 'Bonjour.' } });
    expect(server.requests[0]!.body!.messages!.at(-1)).toMatchObject({ role: 'user', content: 'Greet Lin' });
    const run = await testApp.app.inject({ method: 'GET', url: `/api/v1/runs/${result.output.run_id}`, headers: user.headers });
    expect(run.json()).toMatchObject({ kind: 'chat', status: 'succeeded', parent_run_id: result.trace_id });
  });

  it('answers a human_approval node with its request, or finishes it on the given decision', async () => {
    const config = { title: 'Ship {{start.input.version}}?', options: ['ship', 'hold'] };
    const inputs = { start: { input: { version: 'v2' } } };

    const waiting = await runNode({ type: 'human_approval', config, inputs });
    const decided = await runNode({ type: 'human_approval', config, inputs, decision: { decision: 'hold', comment: 'tests first' } });
    const invalid = await runNode({ type: 'human_approval', config, inputs, decision: { decision: 'maybe' } });

    expect(waiting.json()).toMatchObject({ status: 'waiting', output: { title: 'Ship v2?', options: ['ship', 'hold'] }, branch: null });
    expect(decided.json()).toMatchObject({ status: 'succeeded', branch: 'hold', output: { decision: 'hold', comment: 'tests first' } });
    expect(invalid.json()).toMatchObject({ status: 'failed', error: { code: 'APPROVAL_INVALID_DECISION' } });
  });

  it('runs an iteration body per item under the given node id', async () => {
    const body = {
      nodes: [{ id: 'shout', type: 'template', config: { template: '{{each.item}}!' } }],
      edges: [],
    };

    const response = await runNode({
      type: 'iteration',
      node_id: 'each',
      config: { items: '{{list.output.words}}', body, output: 'text' },
      inputs: { list: { output: { words: ['a', 'b', 'c'] } } },
    });

    expect(response.json()).toMatchObject({ status: 'succeeded', node_id: 'each', output: { results: ['a!', 'b!', 'c!'], count: 3 } });
  });
});
