import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from './index.js';

let server: ModelServer;

beforeEach(async () => {
  server = await startModelServer();
});

afterEach(async () => {
  await server.close();
});

function postJson(path: string, body: object): Promise<Response> {
  return fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer test-key' },
    body: JSON.stringify(body),
  });
}

function chat(overrides: object = {}): Promise<Response> {
  return postJson('/chat/completions', {
    model: 'gpt-test',
    messages: [{ role: 'user', content: 'Hello there' }],
    ...overrides,
  });
}

/** The `data:` payloads of an SSE body, in order. */
async function ssePayloads(response: Response): Promise<string[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice('data: '.length));
}

// Chunk payloads are untyped JSON; `any` keeps the wire assertions readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('model server: chat completions wire format', () => {
  it('answers a non-streaming request with a realistic chat.completion body', async () => {
    server.enqueue({ text: 'Hi!', usage: { prompt_tokens: 9, completion_tokens: 2 } });
    const response = await chat();
    const body: Json = await response.json();

    expect(response.status).toBe(200);
    expect(body.id).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
    expect(body.object).toBe('chat.completion');
    expect(body.created).toBeCloseTo(Date.now() / 1000, -1);
    expect(body.model).toBe('gpt-test');
    expect(body.choices).toEqual([
      {
        index: 0,
        message: { role: 'assistant', content: 'Hi!', refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ]);
    expect(body.usage).toEqual({ prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 });
  });

  it('streams text as content deltas, role first, then a finish chunk, usage chunk and [DONE]', async () => {
    server.enqueue({ text: 'one two three', usage: { prompt_tokens: 4, completion_tokens: 3 } });
    const response = await chat({ stream: true, stream_options: { include_usage: true } });
    const payloads = await ssePayloads(response);
    const chunks: Json[] = payloads.slice(0, -1).map((payload) => JSON.parse(payload));

    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(payloads.at(-1)).toBe('[DONE]');
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.model === 'gpt-test')).toBe(true);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks.slice(0, 3).map((chunk) => chunk.choices[0].delta)).toEqual([
      { role: 'assistant', content: 'one' },
      { content: ' two' },
      { content: ' three' },
    ]);
    expect(chunks[3].choices[0]).toMatchObject({ index: 0, delta: {}, finish_reason: 'stop' });
    expect(chunks[4]).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 },
    });
    expect(chunks).toHaveLength(5);
  });

  it('omits the usage chunk unless the request asks for it, and honours chunkSize', async () => {
    server.enqueue({ text: 'abcdefg', chunkSize: 3 });
    const chunks: Json[] = (await ssePayloads(await chat({ stream: true })))
      .slice(0, -1)
      .map((payload) => JSON.parse(payload));

    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content)).toEqual(['abc', 'def', 'g', undefined]);
    expect(chunks.some((chunk) => 'usage' in chunk)).toBe(false);
  });

  it('streams tool calls as OpenAI does: id and name first, then argument fragments', async () => {
    server.enqueue({ toolCalls: [{ id: 'call_1', name: 'lookup', arguments: { query: 'weather in Paris' } }] });
    const chunks: Json[] = (await ssePayloads(await chat({ stream: true })))
      .slice(0, -1)
      .map((payload) => JSON.parse(payload));
    const deltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);

    expect(deltas[0]).toEqual({
      index: 0,
      id: 'call_1',
      type: 'function',
      function: { name: 'lookup', arguments: '' },
    });
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.slice(1).every((delta: Json) => delta.id === undefined && delta.index === 0)).toBe(true);
    const argumentsJson = deltas.map((delta: Json) => delta.function.arguments).join('');
    expect(JSON.parse(argumentsJson)).toEqual({ query: 'weather in Paris' });
    expect(chunks.at(-1).choices[0].finish_reason).toBe('tool_calls');
  });

  it('returns tool calls in a non-streaming body with string arguments and a generated id', async () => {
    server.enqueue({ text: 'Let me check.', toolCalls: [{ name: 'lookup', arguments: '{"q":1}' }] });
    const body: Json = await (await chat()).json();
    const message = body.choices[0].message;

    expect(message.content).toBe('Let me check.');
    expect(message.tool_calls).toEqual([
      { id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'lookup', arguments: '{"q":1}' } },
    ]);
    expect(body.choices[0].finish_reason).toBe('tool_calls');
  });

  it('answers a scripted error with its status, an OpenAI error body and Retry-After', async () => {
    server.enqueue({ error: { status: 429, message: 'Slow down', retryAfterSeconds: 3 } });
    const response = await chat({ stream: true });

    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(await response.json()).toEqual({
      error: { message: 'Slow down', type: 'rate_limit_exceeded', param: null, code: null },
    });
  });

  it('sends a malformed chunk and no [DONE] for a malformed stream failure', async () => {
    server.enqueue({ streamFailure: { text: 'partial answer', mode: 'malformed' } });
    const payloads = await ssePayloads(await chat({ stream: true }));

    expect(JSON.parse(payloads[0] ?? '').choices[0].delta.content).toBe('partial');
    expect(() => JSON.parse(payloads.at(-1) ?? '')).toThrow();
    expect(payloads).not.toContain('[DONE]');
  });

  it('cuts the connection for a disconnect failure, after sending the first chunks', async () => {
    server.enqueue({ streamFailure: { text: 'partial answer', mode: 'disconnect' } });
    const response = await chat({ stream: true });

    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    await server.waitForRequests(1);
    expect(server.requests[0]?.aborted).toBe(false);
  });
});

describe('model server: script control and request log', () => {
  it('consumes replies in order, then the default, then fails with 500 when neither is left', async () => {
    server.script([{ text: 'first' }, { text: 'second' }]);
    const texts = async () => ((await (await chat()).json()) as Json).choices[0].message.content;

    expect(await texts()).toBe('first');
    expect(await texts()).toBe('second');
    server.setDefault({ text: 'fallback' });
    expect(await texts()).toBe('fallback');
    expect(await texts()).toBe('fallback');
    server.setDefault(undefined);
    const response = await chat();
    expect(response.status).toBe(500);
    expect(((await response.json()) as Json).error.code).toBe('no_scripted_reply');
  });

  it('lets a function reply see the request and logs what was received', async () => {
    server.enqueue((request) => ({ text: `you said ${JSON.stringify(request.body?.messages?.[0]?.content)}` }));
    const body: Json = await (await chat({ temperature: 0.5 })).json();
    const [entry] = await server.waitForRequests(1);

    expect(body.choices[0].message.content).toBe('you said "Hello there"');
    expect(entry).toMatchObject({ index: 0, method: 'POST', path: '/v1/chat/completions', aborted: false });
    expect(entry?.headers.authorization).toBe('Bearer test-key');
    expect(entry?.body).toMatchObject({ model: 'gpt-test', temperature: 0.5 });
    expect(entry?.receivedAt).toBeGreaterThan(Date.now() - 5000);
    expect(server.pendingReplies).toBe(0);
  });

  it('rejects waitForRequests after its timeout, and reset clears log and queue', async () => {
    server.enqueue({ text: 'unused' });
    await expect(server.waitForRequests(1, 30)).rejects.toThrow(/timed out after 30 ms/);
    server.reset();
    expect(server.pendingReplies).toBe(0);
    expect((await chat()).status).toBe(500);
    expect(server.requests).toHaveLength(1);
  });

  it('answers unknown routes with an OpenAI-style 404', async () => {
    const response = await fetch(`${server.baseUrl}/nope`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as Json).error.code).toBe('unknown_url');
  });
});

describe('model server: embeddings and models', () => {
  it('returns deterministic unit vectors per input with usage', async () => {
    const embed = async (input: string | string[], extra: object = {}): Promise<Json> =>
      (await postJson('/embeddings', { model: 'embed-test', input, ...extra })).json();
    const first = await embed(['alpha', 'beta']);
    const again = await embed('alpha');
    const wide = await embed('alpha', { dimensions: 16 });

    expect(first.object).toBe('list');
    expect(first.model).toBe('embed-test');
    expect(first.data.map((item: Json) => item.index)).toEqual([0, 1]);
    expect(first.data[0].embedding).toHaveLength(8);
    expect(again.data[0].embedding).toEqual(first.data[0].embedding);
    expect(first.data[1].embedding).not.toEqual(first.data[0].embedding);
    const norm = Math.hypot(...(first.data[0].embedding as number[]));
    expect(norm).toBeCloseTo(1, 6);
    expect(wide.data[0].embedding).toHaveLength(16);
    expect(first.usage.prompt_tokens).toBeGreaterThan(0);
    expect(first.usage.total_tokens).toBe(first.usage.prompt_tokens);
  });

  it('serves scripted embeddings and scripted embedding errors', async () => {
    server.enqueueEmbeddings(
      { embeddings: [[1, 0, 0]], usage: { prompt_tokens: 42 } },
      { error: { status: 500, message: 'embedding backend down' } },
    );
    const scripted: Json = await (await postJson('/embeddings', { model: 'e', input: 'x' })).json();
    const failed = await postJson('/embeddings', { model: 'e', input: 'x' });

    expect(scripted.data[0].embedding).toEqual([1, 0, 0]);
    expect(scripted.usage).toEqual({ prompt_tokens: 42, total_tokens: 42 });
    expect(failed.status).toBe(500);
    expect(((await failed.json()) as Json).error.type).toBe('server_error');
  });

  it('lists default models plus models seen in scripts and requests', async () => {
    server.enqueue({ text: 'hi', model: 'gpt-snapshot-2025' });
    await chat({ model: 'gpt-requested' });
    const body: Json = await (await fetch(`${server.baseUrl}/models`)).json();
    const ids = body.data.map((model: Json) => model.id);

    expect(body.object).toBe('list');
    expect(ids).toEqual(['test-chat-model', 'test-embedding-model', 'gpt-snapshot-2025', 'gpt-requested']);
    expect(body.data[0]).toMatchObject({ object: 'model', owned_by: 'tiangong-test-kit' });
  });
});

describe('model server: rerank', () => {
  const documents = ['the cat sat on the mat', 'dogs and cats', 'a cat and a dog play', 'nothing here'];

  it('ranks documents by the share of query words they contain, best first, and logs the request', async () => {
    const response = await postJson('/rerank', { model: 'rerank-test', query: 'Cat dog', documents });
    const body: Json = await response.json();
    const top: Json = await (await postJson('/rerank', { model: 'r', query: 'cat', documents, top_n: 2 })).json();

    expect(response.status).toBe(200);
    expect(body).toEqual({
      model: 'rerank-test',
      results: [
        { index: 2, relevance_score: 1 },
        { index: 0, relevance_score: 0.5 },
        { index: 1, relevance_score: 0 },
        { index: 3, relevance_score: 0 },
      ],
    });
    expect(top.results.map((result: Json) => result.index)).toEqual([0, 2]);
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/v1/rerank' });
    expect(server.requests[0]?.body).toMatchObject({ model: 'rerank-test', query: 'Cat dog', documents });
  });

  it('serves scripted results, raw bodies and errors in order, then the default again', async () => {
    server.enqueueRerank(
      { results: [{ index: 1, relevance_score: 0.9 }] },
      { rawBody: '{"data": "not results"}' },
      { error: { status: 503, message: 'reranker overloaded', retryAfterSeconds: 1 } },
    );
    const ask = () => postJson('/rerank', { model: 'r', query: 'cat', documents });

    expect(((await (await ask()).json()) as Json).results).toEqual([{ index: 1, relevance_score: 0.9 }]);
    expect(await (await ask()).text()).toBe('{"data": "not results"}');
    const failed = await ask();
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('1');
    expect(((await failed.json()) as Json).error.message).toBe('reranker overloaded');
    expect(((await (await ask()).json()) as Json).results[0]).toEqual({ index: 0, relevance_score: 1 });
  });

  it('refuses an invalid request with 400 without consuming a scripted reply', async () => {
    server.enqueueRerank({ results: [{ index: 0, relevance_score: 0.1 }] });
    const valid = { model: 'r', query: 'cat', documents };
    const invalid = [{ model: '' }, { query: 3 }, { documents: [] }, { documents: [1] }, { top_n: 0 }].map((change) => ({
      ...valid,
      ...change,
    }));

    const statuses = await Promise.all(invalid.map(async (body) => (await postJson('/rerank', body)).status));
    const scripted: Json = await (await postJson('/rerank', { model: 'r', query: 'x', documents })).json();

    expect(statuses).toEqual([400, 400, 400, 400, 400]);
    expect(scripted.results).toEqual([{ index: 0, relevance_score: 0.1 }]);
  });
});
