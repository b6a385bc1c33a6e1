import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test-kit/build-test-app.js';
import { createModelConfig, createUser, type TestUser } from '../../test-kit/factories.js';
import { startModelServer, type ModelServer } from '../../test-kit/model-server/index.js';
import { readEventStream, type ReceivedEvent } from '../../test-kit/sse-client.js';

/** Turns are durable runs: over a real socket, a client leaves, re-attaches, cancels. */
let server: ModelServer;
let testApp: TestApp;
let user: TestUser;
let address: string;

const story = ['Once ', 'upon ', 'a ', 'time ', 'there ', 'was ', 'a ', 'run.'];

beforeAll(async () => {
  server = await startModelServer();
  testApp = await buildTestApp();
  user = await createUser(testApp);
  await createModelConfig(testApp, user, { name: 'slow', base_url: server.baseUrl, model_name: 'slow-model', is_default: true });
  address = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await testApp.close();
  await server.close();
});
beforeEach(() => server.reset());

function post(path: string, body: object, signal?: AbortSignal) {
  return fetch(`${address}/api/v1/${path}`, {
    method: 'POST',
    headers: { ...user.headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

function get(path: string, headers: Record<string, string> = {}, owner = user) {
  return fetch(`${address}/api/v1/${path}`, { headers: { ...owner.headers, ...headers } });
}

async function collect(response: Response): Promise<ReceivedEvent[]> {
  const events: ReceivedEvent[] = [];
  for await (const event of readEventStream(response)) events.push(event);
  return events;
}

async function runOf(runId: string) {
  return (await (await get(`runs/${runId}`)).json()) as Record<string, unknown>;
}

async function waitForStatus(runId: string, status: string) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const run = await runOf(runId);
    if (run.status === status) return run;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`run ${runId} never reached ${status}`);
}

const tokensOf = (events: ReceivedEvent[]) =>
  events.filter((event) => event.event === 'token').map((event) => (event.data as { content: string }).content);

describe('a streamed turn is a durable run', () => {
  it('goes on when the client leaves; re-attaching with Last-Event-ID replays the rest exactly once', async () => {
    server.enqueue({ text: story.join(''), chunkDelayMs: 40 });
    const controller = new AbortController();
    const response = await post('agent-chat/bare/stream', { message: 'tell me a story' }, controller.signal);
    const runId = response.headers.get('x-run-id')!;
    const stream = readEventStream(response);
    const first = (await stream.next()).value as ReceivedEvent;
    controller.abort();

    await waitForStatus(runId, 'succeeded');
    const rest = await collect(await get(`runs/${runId}/events`, { 'last-event-id': first.id! }));

    expect(server.requests[0]!.aborted).toBe(false);
    expect(first).toMatchObject({ event: 'token', id: '1' });
    expect([...tokensOf([first]), ...tokensOf(rest)].join('')).toBe(story.join(''));
    expect(rest.map((event) => Number(event.id))).toEqual(rest.map((_, index) => index + 2));
    expect(rest.at(-1)).toMatchObject({ event: 'done', data: { content: story.join(''), run_id: runId } });
  });

  it('stores the answer of a run nobody watched to the end, and reports it', async () => {
    server.enqueue({ text: story.join(''), chunkDelayMs: 20 });
    const controller = new AbortController();
    const response = await post('agent-chat/bare/stream', { message: 'tell me a story' }, controller.signal);
    const runId = response.headers.get('x-run-id')!;
    const sessionId = response.headers.get('x-session-id')!;
    await readEventStream(response).next();
    controller.abort();

    const run = await waitForStatus(runId, 'succeeded');

    expect(run).toMatchObject({
      id: runId,
      kind: 'chat',
      session_id: sessionId,
      input: { message: 'tell me a story' },
      output: { session_id: sessionId, content: story.join('') },
      error: null,
      last_event_id: story.length + 1,
    });
    expect(run.token_usage).toMatchObject({ total_tokens: expect.any(Number) });
  });

  it('replays a finished run from any point, and an id past the end gives an empty stream', async () => {
    server.enqueue({ text: 'a b c' });
    const done = await collect(await post('agent-chat/bare/stream', { message: 'abc' }));
    const runId = (done.at(-1)!.data as { run_id: string }).run_id;

    const all = await collect(await get(`runs/${runId}/events`));
    const afterTwo = await collect(await get(`runs/${runId}/events?after=2`));
    const past = await collect(await get(`runs/${runId}/events`, { 'last-event-id': '99' }));

    expect(all).toEqual(done);
    expect(afterTwo).toEqual(done.slice(2));
    expect(past).toEqual([]);
  });

  it('cancel stops the model call, ends the stream with RUN_CANCELLED, and frees the session', async () => {
    server.enqueue({ text: story.join(''), chunkDelayMs: 150 }, { text: 'second answer' });
    const response = await post('agent-chat/bare/stream', { message: 'tell me a story' });
    const runId = response.headers.get('x-run-id')!;
    const sessionId = response.headers.get('x-session-id')!;
    const stream = readEventStream(response);
    await stream.next();

    const cancelled = await post(`runs/${runId}/cancel`, {});
    const upstream = await server.waitForAbort(0, 1000);
    const rest: ReceivedEvent[] = [];
    for await (const event of stream) rest.push(event);
    const next = await post('agent-chat/bare', { message: 'again', session_id: sessionId });

    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ status: 'cancelled', error: { code: 'RUN_CANCELLED' } });
    expect(upstream.finished).toBe(false);
    expect(rest.at(-1)).toMatchObject({ event: 'error', data: { error: 'RUN_CANCELLED' } });
    expect(next.status).toBe(200);
    expect(((await next.json()) as { content: string }).content).toBe('second answer');
  });

  it('a finished run cannot be cancelled: 409 RUN_NOT_ACTIVE, nothing changes', async () => {
    server.enqueue({ text: 'done' });
    const answer = (await (await post('agent-chat/bare', { message: 'hi' })).json()) as { run_id: string };

    const response = await post(`runs/${answer.run_id}/cancel`, {});

    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: 'RUN_NOT_ACTIVE' });
    expect(await runOf(answer.run_id)).toMatchObject({ status: 'succeeded', error: null });
  });

  it('a plain (non-streamed) caller who hangs up cancels the run and its model call', async () => {
    server.enqueue({ text: 'a slow answer', delayMs: 3000 });
    const controller = new AbortController();
    const pending = post('agent-chat/bare', { message: 'slow' }, controller.signal).catch((error: unknown) => error);
    await server.waitForRequests(1);
    controller.abort();

    const upstream = await server.waitForAbort(0, 1000);
    await pending;
    const list = (await (await get('runs?status=cancelled')).json()) as { items: Array<{ error: { code: string } }> };

    expect(upstream.aborted).toBe(true);
    expect(list.items[0]).toMatchObject({ error: { code: 'RUN_CANCELLED' } });
  });
});

describe('run isolation and input', () => {
  it("another user's run answers 404 on every endpoint", async () => {
    server.enqueue({ text: 'mine' });
    const answer = (await (await post('agent-chat/bare', { message: 'hi' })).json()) as { run_id: string };
    const other = await createUser(testApp);

    const responses = await Promise.all([
      get(`runs/${answer.run_id}`, {}, other),
      get(`runs/${answer.run_id}/events`, {}, other),
      fetch(`${address}/api/v1/runs/${answer.run_id}/cancel`, { method: 'POST', headers: other.headers }),
    ]);
    const list = (await (await get('runs', {}, other)).json()) as { total: number };

    expect(responses.map((response) => response.status)).toEqual([404, 404, 404]);
    expect(await responses[0]!.json()).toMatchObject({ error: 'RUN_NOT_FOUND' });
    expect(list.total).toBe(0);
  });

  it('rejects a malformed run id and bad list filters with 422', async () => {
    const someRun = '0190a000-0000-7000-8000-000000000001';
    const responses = await Promise.all([
      get('runs/not-a-uuid'),
      get('runs?status=sleeping'),
      get('runs?page_size=1000'),
      get(`runs/${someRun}/events?after=-1`),
      get(`runs/${someRun}/events?after=abc`),
    ]);

    expect(responses.map((response) => response.status)).toEqual([422, 422, 422, 422, 422]);
  });

  it('ignores an unreadable Last-Event-ID and replays from the start', async () => {
    server.enqueue({ text: 'x y' });
    const done = await collect(await post('agent-chat/bare/stream', { message: 'xy' }));
    const runId = (done.at(-1)!.data as { run_id: string }).run_id;

    const replay = await collect(await get(`runs/${runId}/events`, { 'last-event-id': 'abc' }));

    expect(replay).toEqual(done);
  });
});
