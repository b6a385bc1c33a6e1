import OpenAI from 'openai';
import { describe, expect, it, vi } from 'vitest';
import { useOpenAiFace } from './openai.test-fixture.js';

/**
 * The official `openai` client against a listening app: published agents are models, a completion
 * is an agent turn (a durable run), streamed as chat.completion.chunk, tools run on the server.
 */
const face = useOpenAiFace();

describe('GET /v1/models', () => {
  it("lists the owner's published agents that the key may use", async () => {
    const all = await face.client(face.keys.all).models.list();
    const scoped = await face.client(face.keys.scoped).models.list();

    expect(all.data.map((model) => model.id).sort()).toEqual([`agent/${face.agents.helper.id}`, `agent/${face.agents.calculator.id}`].sort());
    expect(all.data[0]).toMatchObject({ object: 'model', owned_by: 'tiangong', created: expect.any(Number) });
    expect(scoped.data.map((model) => model.id)).toEqual([`agent/${face.agents.calculator.id}`]);
  });

  it('gets one model, and answers 404 for one the key may not use', async () => {
    const model = await face.client(face.keys.all).models.retrieve(`agent/${face.agents.helper.id}`);
    const outOfScope = await face.client(face.keys.scoped).models.retrieve(`agent/${face.agents.helper.id}`).catch((error: unknown) => error);

    expect(model.id).toBe(`agent/${face.agents.helper.id}`);
    expect(outOfScope).toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe('POST /v1/chat/completions', () => {
  it('answers a chat.completion with usage, as a durable run of the agent', async () => {
    face.server.enqueue({ text: 'Hello from Helper', usage: { prompt_tokens: 11, completion_tokens: 4 } });

    const { data, response } = await face.client(face.keys.all)
      .chat.completions.create({
        model: `agent/${face.agents.helper.id}`,
        messages: [
          { role: 'system', content: 'Answer briefly.' },
          { role: 'user', content: 'earlier question' },
          { role: 'assistant', content: 'earlier answer' },
          { role: 'user', content: [{ type: 'text', text: 'Who are you?' }] },
        ],
        temperature: 0.2,
      })
      .withResponse();

    const runId = response.headers.get('x-run-id')!;
    expect(data).toMatchObject({
      id: `chatcmpl-${runId}`,
      object: 'chat.completion',
      model: `agent/${face.agents.helper.id}`,
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from Helper' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 11, completion_tokens: 4, total_tokens: 15 },
    });
    expect(face.sentMessages(0)).toEqual([
      { role: 'system', content: 'You are Helper.\n\nAnswer briefly.' },
      { role: 'user', content: 'earlier question' },
      { role: 'assistant', content: 'earlier answer' },
      { role: 'user', content: 'Who are you?' },
    ]);
    const run = await face.testApp.app.inject({ method: 'GET', url: `/api/v1/runs/${runId}`, headers: face.owner.headers });
    expect(run.json()).toMatchObject({ kind: 'chat', status: 'succeeded', agent_id: face.agents.helper.id, session_id: response.headers.get('x-session-id') });
  });

  it('streams chat.completion.chunk deltas, the finish reason and a usage chunk', async () => {
    face.server.enqueue({ text: 'one two three', usage: { prompt_tokens: 7, completion_tokens: 3 } });

    const stream = await face.client(face.keys.all).chat.completions.create({
      model: `agent/${face.agents.helper.id}`,
      messages: [{ role: 'user', content: 'Count' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('one two three');
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBeGreaterThan(1);
    expect(chunks.at(-2)!.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } });
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
  });

  it("speaks OpenAI's wire: bare data lines ending with [DONE], no usage chunk unless asked", async () => {
    face.server.enqueue({ text: 'plain' });

    const response = await fetch(`${face.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${face.keys.all}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: `agent/${face.agents.helper.id}`, messages: [{ role: 'user', content: 'hi' }], stream: true }),
    });
    const body = await response.text();

    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('x-session-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(body).not.toMatch(/^(event|id):/m);
    const data = body.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6));
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((line) => JSON.parse(line));
    expect(chunks.every((chunk) => !('usage' in chunk) && chunk.choices.length === 1)).toBe(true);
  });

  it("runs the agent's tools on the server and streams only the answer", async () => {
    face.toolInputs.length = 0;
    face.server.enqueue({ toolCalls: [{ id: 'call_1', name: 'add_numbers', arguments: { a: 2, b: 40 } }] }, { text: 'It is 42.' });

    const stream = await face.client(face.keys.scoped).chat.completions.create({
      model: `agent/${face.agents.calculator.id}`,
      messages: [{ role: 'user', content: 'What is 2 + 40?' }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('It is 42.');
    expect(chunks.some((chunk) => chunk.choices[0]?.delta.tool_calls)).toBe(false);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(face.toolInputs).toEqual([{ a: 2, b: 40 }]);
    expect(face.sentMessages(1).at(-1)).toMatchObject({ role: 'tool' });
  });

  it('continues a stored session given as metadata.session_id', async () => {
    face.server.enqueue({ text: 'first answer' }, { text: 'second answer' });
    const openai = face.client(face.keys.all);
    const model = `agent/${face.agents.helper.id}`;

    const first = await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'q1' }] }).withResponse();
    const sessionId = first.response.headers.get('x-session-id')!;
    await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'q2' }], metadata: { session_id: sessionId } });

    expect(face.sentMessages(1).slice(1)).toEqual([
      { role: 'user', content: 'q1' },
      { role: 'assistant', content: 'first answer' },
      { role: 'user', content: 'q2' },
    ]);
  });

  it('cancels the run when the client hangs up mid-stream (it cannot re-attach)', async () => {
    face.server.enqueue({ text: 'a b c d e f g h i j k l m n o p', chunkDelayMs: 100 });
    const controller = new AbortController();

    const response = await fetch(`${face.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${face.keys.all}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: `agent/${face.agents.helper.id}`, messages: [{ role: 'user', content: 'long answer' }], stream: true }),
      signal: controller.signal,
    });
    const runId = response.headers.get('x-run-id')!;
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();

    await vi.waitFor(
      async () => {
        const run = await face.testApp.app.inject({ method: 'GET', url: `/api/v1/runs/${runId}`, headers: face.owner.headers });
        expect(run.json()).toMatchObject({ status: 'cancelled', error: { code: 'RUN_CANCELLED' } });
      },
      { timeout: 5_000, interval: 50 },
    );
    expect((await face.server.waitForAbort(0, 2_000)).aborted).toBe(true);
  });

  it('ends a stream whose run fails with an OpenAI error the client throws', async () => {
    face.server.enqueue({ error: { status: 400, message: 'context too long' } });

    const stream = await face.client(face.keys.all).chat.completions.create({
      model: `agent/${face.agents.helper.id}`,
      messages: [{ role: 'user', content: 'fail please' }],
      stream: true,
    });
    const failure = await (async () => {
      for await (const _chunk of stream) void _chunk;
    })().catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).message).toContain('context too long');
  });
});

