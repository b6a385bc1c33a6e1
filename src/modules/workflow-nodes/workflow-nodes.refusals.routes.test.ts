import { afterEach, describe, expect, it } from 'vitest';
import { createAgent, createUser } from '../../test-kit/factories.js';
import { startCanary, type Canary } from '../../test-kit/http-upstream.js';
import { expectError, expectValidationError } from '../workflows/workflows.test-helpers.js';
import { runNode, testApp, useNodesApp } from './workflow-nodes.test-helpers.js';

/** POST /api/v1/nodes/run refusals and limits: bad bodies, nodes that cannot run alone, deadlines, the SSRF guard. */
useNodesApp({ env: { ALLOWED_PRIVATE_HOSTS: '' } });

let canary: Canary | undefined;
afterEach(async () => {
  await canary?.close();
  canary = undefined;
});

describe('POST /api/v1/nodes/run refusals', () => {
  it('answers 422 NODE_TYPE_UNKNOWN and NODE_CONFIG_INVALID before anything runs', async () => {
    const unknown = await runNode({ type: 'teleport', config: {} });
    const invalid = await runNode({ type: 'http', config: { url: 'ftp://example.com/', timeout_ms: 0 } });

    expect(expectError(unknown, 422, 'NODE_TYPE_UNKNOWN').details?.['known_types']).toContain('template');
    const problems = expectError(invalid, 422, 'NODE_CONFIG_INVALID').details?.['problems'] as Array<{ path: string }>;
    expect(problems.map((problem) => problem.path)).toEqual(expect.arrayContaining(['config.url', 'config.timeout_ms']));
  });

  it('answers a config that only breaks once its references are resolved as a failed step', async () => {
    const response = await runNode({ type: 'http', config: { url: '{{start.input.url}}' }, inputs: { start: { input: { url: 'not a url' } } } });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'failed', attempts: 0, error: { code: 'NODE_CONFIG_INVALID' } });
  });

  it('refuses a sub_workflow node with 422 NODE_NOT_RUNNABLE_ALONE, and fails one nested in an iteration body', async () => {
    const subWorkflow = { type: 'sub_workflow', config: { workflow_id: '0190a000-0000-7000-8000-000000000001' } };
    const body = { nodes: [{ id: 'child', ...subWorkflow }], edges: [] };

    const alone = await runNode(subWorkflow);
    const nested = await runNode({ type: 'iteration', config: { items: [1], body } });

    expect(expectError(alone, 422, 'NODE_NOT_RUNNABLE_ALONE').message).toContain('/execute');
    expect(nested.json()).toMatchObject({ status: 'failed', error: { code: 'NODE_NOT_RUNNABLE_ALONE' } });
  });

  it("acts as the caller: another user's agent is not found", async () => {
    const stranger = await createUser(testApp);
    const theirs = await createAgent(testApp, stranger);

    const response = await runNode({ type: 'agent', config: { agent_id: theirs.id, message: 'hello' } });

    expect(response.json()).toMatchObject({ status: 'failed', error: { code: 'AGENT_NOT_FOUND' } });
  });

  it('refuses a decision for a node that waits for none', async () => {
    const response = await runNode({ type: 'template', config: { template: 'x' }, decision: { decision: 'approved' } });

    expectValidationError(response, 'body.decision');
  });

  it('answers 422 VALIDATION_ERROR for bad bodies and 401 without a token', async () => {
    expectValidationError(await runNode({ config: {} }), 'body.type');
    expectValidationError(await runNode({ type: 'template', config: { template: 'x' }, inputs: { env: { N: 1 } } }), 'body.inputs.env.N');
    expectValidationError(await runNode({ type: 'template', config: { template: 'x' }, inputs: { start: { input: [1] } } }), 'body.inputs.start.input');
    expectValidationError(await runNode({ type: 'template', config: { template: 'x' }, inputs: { geo: 'Paris' } }), 'body.inputs.geo');
    expectValidationError(await runNode({ type: 'template', config: { template: 'x' }, node_id: '1st' }), 'body.node_id');
    expectValidationError(await runNode({ type: 'template', config: { template: 'x' }, timeout_ms: 10 }), 'body.timeout_ms');
    expectValidationError(await runNode({ type: 'template', config: { template: 'x' }, error_policy: { on_error: 'retry' } }), 'body.error_policy.on_error');
    expectValidationError(await runNode({ type: 'template', config: { template: 'x' }, graph: {} }), 'body');
    expectError(await runNode({ type: 'template', config: { template: 'x' } }, null), 401, 'AUTH_REQUIRED');
  });
});

describe('POST /api/v1/nodes/run limits', () => {
  it('fails a node still running at the deadline with NODE_RUN_TIMEOUT', async () => {
    const started = Date.now();

    const response = await runNode({ type: 'delay', config: { ms: 60_000 }, timeout_ms: 200 });

    expect(response.json()).toMatchObject({ status: 'failed', error: { code: 'NODE_RUN_TIMEOUT' } });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('keeps an attempt deadline of the error policy as the node timing out', async () => {
    const response = await runNode({ type: 'delay', config: { ms: 60_000 }, error_policy: { timeout_ms: 50 }, timeout_ms: 10_000 });

    expect(response.json()).toMatchObject({ status: 'failed', error: { code: 'NODE_TIMEOUT' } });
  });

  it('refuses loopback from an http node when the allow list does not open it: nothing connects', async () => {
    canary = await startCanary();

    const response = await runNode({ type: 'http', config: { url: `http://127.0.0.1:${canary.port}/` } });

    expect(response.json()).toMatchObject({ status: 'failed', error: { code: 'SSRF_BLOCKED' } });
    expect(canary.connections()).toBe(0);
  });
});
