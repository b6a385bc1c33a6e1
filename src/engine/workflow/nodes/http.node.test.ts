import { describe, expect, it } from 'vitest';
import type { WorkflowGraph } from '../definition.js';
import type { WorkflowServices } from '../workflow-services.js';
import { httpNode } from './http.node.js';
import { fakeServices, hangsUntilAborted, runGraph, runOneNode } from './logic.test-helpers.js';

// Unless drawn otherwise, every test runs:  start -> subject (http) -> end { result: {{subject.output}} }

type HttpAnswer = Awaited<ReturnType<WorkflowServices['httpRequest']>>;

function answering(answer: Partial<HttpAnswer>) {
  return fakeServices({ httpRequest: async () => ({ status: 200, headers: {}, body: '', ...answer }) });
}

describe('http node request', () => {
  it('sends the resolved method, url, headers and text body with its deadline', async () => {
    const services = answering({ status: 201, headers: { 'x-id': '7' }, body: 'created' });
    const config = {
      method: 'POST',
      url: 'https://api.example.com/items/{{start.output.id}}',
      headers: { authorization: 'Bearer {{start.output.token}}' },
      body: 'name={{start.output.name}}',
      timeout_ms: 5_000,
    };

    const { result, step } = await runOneNode({ nodeType: httpNode, config, input: { id: 12, token: 't0k', name: 'Ada' }, services });

    expect(services.calls[0]).toMatchObject({
      method: 'httpRequest',
      options: { method: 'POST', url: 'https://api.example.com/items/12', headers: { authorization: 'Bearer t0k' }, body: 'name=Ada', timeoutMs: 5_000 },
    });
    expect(services.calls[0]!.options['signal']).toBeInstanceOf(AbortSignal);
    expect(step.output).toEqual({ status: 201, headers: { 'x-id': '7' }, body: 'created' });
    expect(result.output).toEqual({ result: { status: 201, headers: { 'x-id': '7' }, body: 'created' } });
  });

  it('defaults to GET with no body and a 30 second deadline', async () => {
    const services = answering({});

    await runOneNode({ nodeType: httpNode, config: { url: 'http://api.example.com/' }, services });

    expect(services.calls[0]?.options).toMatchObject({ method: 'GET', headers: {}, timeoutMs: 30_000 });
    expect(services.calls[0]?.options).not.toHaveProperty('body');
  });

  it('sends an object body as JSON with a JSON content type', async () => {
    const services = answering({});
    const config = { method: 'PUT', url: 'https://api.example.com/', body: { tags: '{{start.output.tags}}', n: 1 } };

    await runOneNode({ nodeType: httpNode, config, input: { tags: ['a', 'b'] }, services });

    expect(services.calls[0]?.options).toMatchObject({ body: '{"tags":["a","b"],"n":1}', headers: { 'content-type': 'application/json' } });
  });

  it('keeps a content type the config sets, whatever its case', async () => {
    const services = answering({});
    const config = { method: 'POST', url: 'https://api.example.com/', headers: { 'Content-Type': 'application/vnd.api+json' }, body: [1] };

    await runOneNode({ nodeType: httpNode, config, services });

    expect(services.calls[0]?.options['headers']).toEqual({ 'Content-Type': 'application/vnd.api+json' });
  });
});

describe('http node response', () => {
  it('parses a body the answer declares as JSON', async () => {
    const services = answering({ headers: { 'Content-Type': 'application/problem+json; charset=utf-8' }, body: '{"ok":true}' });

    const { step } = await runOneNode({ nodeType: httpNode, config: { url: 'https://api.example.com/' }, services });

    expect(step.output).toMatchObject({ json: { ok: true } });
  });

  it('leaves json out when an undeclared body is not JSON, or a declared one does not parse', async () => {
    const text = await runOneNode({ nodeType: httpNode, config: { url: 'https://a.example.com/' }, services: answering({ body: '{"ok":true}' }) });
    const broken = await runOneNode({
      nodeType: httpNode,
      config: { url: 'https://a.example.com/' },
      services: answering({ headers: { 'content-type': 'application/json' }, body: '{oops' }),
    });

    expect(text.step.output).not.toHaveProperty('json');
    expect(broken.step).toMatchObject({ status: 'succeeded', output: { body: '{oops' } });
    expect(broken.step.output).not.toHaveProperty('json');
  });

  it('with expect_json parses any body, and fails with HTTP_INVALID_JSON on a successful answer that is not JSON', async () => {
    const config = { url: 'https://api.example.com/', expect_json: true };

    const parsed = await runOneNode({ nodeType: httpNode, config, services: answering({ body: '[1,2]' }) });
    const notJson = await runOneNode({ nodeType: httpNode, config, services: answering({ body: '<html>' }) });
    const errorPage = await runOneNode({ nodeType: httpNode, config, services: answering({ status: 502, body: '<html>' }) });
    const empty = await runOneNode({ nodeType: httpNode, config, services: answering({ status: 204, body: '' }) });

    expect(parsed.step.output).toMatchObject({ json: [1, 2] });
    expect(notJson.step.error?.code).toBe('HTTP_INVALID_JSON');
    expect(errorPage.step).toMatchObject({ status: 'succeeded', output: { status: 502, body: '<html>' } });
    expect(empty.step).toMatchObject({ status: 'succeeded', output: { status: 204, body: '' } });
  });

  it('treats an error status as an ordinary output by default', async () => {
    const { result, step } = await runOneNode({ nodeType: httpNode, config: { url: 'https://a.example.com/' }, services: answering({ status: 404, body: 'nope' }) });

    expect(result.status).toBe('succeeded');
    expect(step.output).toEqual({ status: 404, headers: {}, body: 'nope' });
  });

  it('with fail_on_error_status fails with HTTP_ERROR_STATUS, quoting the status and the body', async () => {
    const config = { url: 'https://a.example.com/x', fail_on_error_status: true };

    const { step } = await runOneNode({ nodeType: httpNode, config, services: answering({ status: 503, body: 'down for maintenance' }) });
    const fine = await runOneNode({ nodeType: httpNode, config, services: answering({ status: 399 }) });

    expect(step.error).toEqual({ code: 'HTTP_ERROR_STATUS', message: 'GET https://a.example.com/x answered 503: down for maintenance' });
    expect(fine.step.status).toBe('succeeded');
  });

  it('sends an error status down the "error" branch when the policy says so', async () => {
    //        start
    //          |
    //        fetch (http, on_error: branch)
    //    (any) /    \ error
    //       ok_end   error_end
    const graph: WorkflowGraph = {
      nodes: [
        { id: 'start', type: 'start', config: {} },
        {
          id: 'fetch',
          type: 'http',
          config: { url: 'https://a.example.com/', fail_on_error_status: true },
          error_policy: { retries: 0, backoff_ms: 0, on_error: 'branch', default_output: {} },
        },
        { id: 'ok_end', type: 'end', config: { took: 'ok' } },
        { id: 'error_end', type: 'end', config: { took: 'error', code: '{{fetch.output.error.code}}' } },
      ],
      edges: [
        { source: 'start', target: 'fetch' },
        { source: 'fetch', target: 'ok_end' },
        { source: 'fetch', target: 'error_end', source_handle: 'error' },
      ],
    };

    const { result } = await runGraph({ graph, nodeTypes: [httpNode], services: answering({ status: 500 }) });

    expect(result.output).toEqual({ took: 'error', code: 'HTTP_ERROR_STATUS' });
  });
});

describe('http node failures', () => {
  it('fails the step with the service error and its code (e.g. the SSRF guard)', async () => {
    const refusal = Object.assign(new Error('the address 10.0.0.1 is private'), { code: 'HTTP_URL_FORBIDDEN' });
    const services = fakeServices({ httpRequest: async () => Promise.reject(refusal) });

    const { step } = await runOneNode({ nodeType: httpNode, config: { url: 'http://10.0.0.1/' }, services });

    expect(step.error).toEqual({ code: 'HTTP_URL_FORBIDDEN', message: 'the address 10.0.0.1 is private' });
  });

  it('aborts the request on cancel', async () => {
    const controller = new AbortController();
    const services = fakeServices({ httpRequest: hangsUntilAborted(controller) });

    const { result, step } = await runOneNode({ nodeType: httpNode, config: { url: 'https://slow.example.com/' }, services, signal: controller.signal });

    expect(result.status).toBe('cancelled');
    expect(step).toMatchObject({ status: 'failed', error: { code: 'RUN_CANCELLED' } });
  });

  it('fails with HTTP_BODY_TOO_LARGE when a JSON body is over the limit, without sending it', async () => {
    const services = answering({});
    const config = { method: 'POST', url: 'https://a.example.com/', body: { text: 'x'.repeat(1_000_000) } };

    const { step } = await runOneNode({ nodeType: httpNode, config, services });

    expect(step.error?.code).toBe('HTTP_BODY_TOO_LARGE');
    expect(services.calls).toEqual([]);
  });

  it.each([
    ['a non-http url', { url: 'file:///etc/passwd' }],
    ['a url that is not one', { url: 'not a url' }],
    ['an unknown method', { method: 'BREW', url: 'https://a.example.com/' }],
    ['a GET with a body', { url: 'https://a.example.com/', body: 'x' }],
    ['a header with a line break', { url: 'https://a.example.com/', headers: { 'x-a': 'b\r\nx-injected: 1' } }],
    ['a bad header name', { url: 'https://a.example.com/', headers: { 'bad header': 'x' } }],
    ['a deadline over two minutes', { url: 'https://a.example.com/', timeout_ms: 120_001 }],
    ['an unknown field', { url: 'https://a.example.com/', follow: true }],
  ])('fails with NODE_CONFIG_INVALID on %s, sending nothing', async (_, config) => {
    const services = answering({});

    const { step } = await runOneNode({ nodeType: httpNode, config, services });

    expect(step.error?.code).toBe('NODE_CONFIG_INVALID');
    expect(services.calls).toEqual([]);
  });
});
