import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test-kit/build-test-app.js';
import { createModelConfig, createUser, type TestUser } from '../../test-kit/factories.js';
import { startModelServer, type ModelServer } from '../../test-kit/model-server/index.js';
import { readEventStream } from '../../test-kit/sse-client.js';

/** A client that goes away must stop the model call it started: over a real socket, not inject. */
let server: ModelServer;
let testApp: TestApp;
let user: TestUser;
let address: string;

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

function post(path: string, signal: AbortSignal) {
  return fetch(`${address}/api/v1/agent-chat/${path}`, {
    method: 'POST',
    headers: { ...user.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ message: 'tell me a long story' }),
    signal,
  });
}

function sendAgain(sessionId: string) {
  return testApp.app.inject({
    method: 'POST',
    url: '/api/v1/agent-chat/bare',
    headers: user.headers,
    payload: { message: 'again', session_id: sessionId },
  });
}

describe('client disconnect', () => {
  it('aborts the upstream stream within a second when the SSE client leaves', async () => {
    server.reset();
    server.enqueue({ text: 'once upon a time there was a very long story indeed', chunkDelayMs: 150 });
    const controller = new AbortController();

    const response = await post('bare/stream', controller.signal);
    const events = readEventStream(response);
    const first = await events.next();
    controller.abort();
    const upstream = await server.waitForAbort(0, 1000);

    expect(first.value).toMatchObject({ event: 'token' });
    expect(upstream.aborted).toBe(true);
    expect(upstream.finished).toBe(false);
  });

  it('aborts the upstream call when a non-streaming client hangs up', async () => {
    server.reset();
    server.enqueue({ text: 'a slow answer', delayMs: 3000 });
    const controller = new AbortController();

    const pending = post('bare', controller.signal).catch((error: unknown) => error);
    await server.waitForRequests(1);
    controller.abort();
    const upstream = await server.waitForAbort(0, 1000);
    await pending;

    expect(upstream.aborted).toBe(true);
  });

  it('frees the session afterwards: the next message in it is accepted', async () => {
    server.reset();
    server.enqueue({ text: 'first', chunkDelayMs: 150 }, { text: 'second' });
    const controller = new AbortController();
    const response = await post('bare/stream', controller.signal);
    const sessionId = response.headers.get('x-session-id')!;
    await readEventStream(response).next();
    controller.abort();
    await server.waitForAbort(0, 1000);

    // The release happens as the abort unwinds on the server; give it up to a second.
    let next = await sendAgain(sessionId);
    for (let attempt = 0; attempt < 20 && next.statusCode === 409; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      next = await sendAgain(sessionId);
    }

    expect(next.statusCode).toBe(200);
    expect(next.json().content).toBe('second');
  });
});
