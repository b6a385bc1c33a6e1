import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import type { TestUser } from '../../test-kit/factories.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';

/** Through the HTTP API: parallel branches joining, error policies, and the version an execution ran. */
let testApp: TestApp;
let user: TestUser;

useAppPerTest((app, owner) => {
  testApp = app;
  user = owner;
});

const request = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  testApp.app.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });

// The metadata address: the SSRF guard refuses it before any connection, so the node fails at once.
const blocked = 'http://169.254.169.254/latest/meta-data';

describe('workflow graphs through the API', () => {
  //   start -> a (template) ---------------------------\
  //         -> b (http, fails; on_error continue) ------> join (template) -> end
  //         -> c (http, fails; on_error branch) -error-> handler -/
  //                                              \-(ok)-> never
  it('runs parallel branches, joins them, and applies each node its error policy', async () => {
    const graph = {
      nodes: [
        { id: 'start', type: 'start', config: {} },
        { id: 'a', type: 'template', config: { template: 'A' } },
        { id: 'b', type: 'http', config: { url: blocked }, error_policy: { on_error: 'continue', default_output: { body: 'fallback' } } },
        { id: 'c', type: 'http', config: { url: blocked }, error_policy: { on_error: 'branch', retries: 1, backoff_ms: 1 } },
        { id: 'handler', type: 'template', config: { template: 'handled' } },
        { id: 'never', type: 'template', config: { template: 'not run' } },
        { id: 'join', type: 'template', config: { template: '{{a.output.text}}|{{b.output.body}}|{{handler.output.text}}' } },
        { id: 'end', type: 'end', config: { outputs: { joined: '{{join.output.text}}' } } },
      ],
      edges: [
        { source: 'start', target: 'a' },
        { source: 'start', target: 'b' },
        { source: 'start', target: 'c' },
        { source: 'c', target: 'handler', source_handle: 'error' },
        { source: 'c', target: 'never' },
        { source: 'a', target: 'join' },
        { source: 'b', target: 'join' },
        { source: 'handler', target: 'join' },
        { source: 'never', target: 'join' },
        { source: 'join', target: 'end' },
      ],
    };
    const workflow = (await request('POST', '/api/v1/workflows', { name: `join-${randomUUID().slice(0, 8)}`, graph })).json();

    const execution = (await request('POST', `/api/v1/workflows/${workflow.id}/execute`, {})).json();

    expect(execution).toMatchObject({ status: 'succeeded', output: { joined: 'A|fallback|handled' } });
    const steps = Object.fromEntries(execution.steps.map((step: { node_id: string }) => [step.node_id, step]));
    // continue: the node counts as succeeded with its default output; the error stays on record.
    expect(steps.b).toMatchObject({ status: 'succeeded', output: { body: 'fallback' }, error: { code: 'SSRF_BLOCKED' } });
    expect(steps.c).toMatchObject({ status: 'succeeded', branch: 'error', attempts: 2, error: { code: 'SSRF_BLOCKED' } });
    expect(steps.never.status).toBe('skipped');
    expect(steps.join.status).toBe('succeeded');
  });

  it('fails the execution on a node whose policy is fail, with the node in the error', async () => {
    const graph = {
      nodes: [
        { id: 'start', type: 'start', config: {} },
        { id: 'fetch', type: 'http', config: { url: blocked } },
        { id: 'end', type: 'end', config: { outputs: {} } },
      ],
      edges: [
        { source: 'start', target: 'fetch' },
        { source: 'fetch', target: 'end' },
      ],
    };
    const workflow = (await request('POST', '/api/v1/workflows', { name: `fail-${randomUUID().slice(0, 8)}`, graph })).json();

    const execution = (await request('POST', `/api/v1/workflows/${workflow.id}/execute`, {})).json();

    expect(execution.status).toBe('failed');
    expect(execution.error.message).toContain('fetch');
    expect(execution.steps.map((step: { node_id: string }) => step.node_id)).toEqual(['start', 'fetch']);
  });

  it('records the version each execution ran, a rollback included', async () => {
    const graphSaying = (text: string) => ({
      nodes: [
        { id: 'start', type: 'start', config: {} },
        { id: 'say', type: 'template', config: { template: text } },
        { id: 'end', type: 'end', config: { outputs: { said: '{{say.output.text}}' } } },
      ],
      edges: [
        { source: 'start', target: 'say' },
        { source: 'say', target: 'end' },
      ],
    });
    const workflow = (await request('POST', '/api/v1/workflows', { name: `versions-${randomUUID().slice(0, 8)}`, graph: graphSaying('one') })).json();
    await request('PUT', `/api/v1/workflows/${workflow.id}`, { graph: graphSaying('two') });

    const second = (await request('POST', `/api/v1/workflows/${workflow.id}/execute`, {})).json();
    const rolledBack = (await request('POST', `/api/v1/workflows/${workflow.id}/versions/1/rollback`)).json();
    const third = (await request('POST', `/api/v1/workflows/${workflow.id}/execute`, {})).json();

    expect(second).toMatchObject({ workflow_version: 2, output: { said: 'two' } });
    expect(rolledBack.version).toBe(3);
    expect(third).toMatchObject({ workflow_version: 3, output: { said: 'one' } });
  });
});
