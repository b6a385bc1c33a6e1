import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../src/test-kit/build-test-app.js';
import { createModelConfig, createUser } from '../src/test-kit/factories.js';
import { startModelServer, type ModelServer } from '../src/test-kit/model-server/index.js';
import { deleteRedisKeys, serviceAvailable, serviceUrl } from '../src/test-kit/services.js';
import { parseEventStream, readEventStream } from '../src/test-kit/sse-client.js';

const hasRedis = await serviceAvailable('redis', 'runs.redis');

/** A run executed by instance A is followed and cancelled through instance B. */
describe.runIf(hasRedis)('runs across instances with REDIS_URL', () => {
  const prefix = `tiangong-test-${randomBytes(4).toString('hex')}:`;
  const env = { REDIS_URL: serviceUrl('redis'), REDIS_PREFIX: prefix };
  let first: TestApp;
  let second: TestApp;
  let server: ModelServer;
  let address: string;

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await server?.close();
    await deleteRedisKeys(prefix);
  });

  async function setUp() {
    first = await buildTestApp({ env });
    second = await buildTestApp({ env, keepData: true });
    server = await startModelServer();
    address = await first.app.listen({ port: 0, host: '127.0.0.1' });
    const user = await createUser(first);
    await createModelConfig(first, user, { base_url: server.baseUrl, is_default: true });
    return user;
  }

  it('B replays and follows what A streams, in order and complete; B cancels what A runs', async () => {
    const user = await setUp();
    const words = Array.from({ length: 12 }, (_, index) => `w${index} `);
    server.enqueue({ text: words.join(''), chunkDelayMs: 30 }, { text: 'a very slow answer indeed', chunkDelayMs: 400 });
    const post = () =>
      fetch(`${address}/api/v1/agent-chat/bare/stream`, {
        method: 'POST',
        headers: { ...user.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'go' }),
      });

    const response = await post();
    const runId = response.headers.get('x-run-id')!;
    const onA = readEventStream(response);
    const seenOnA = (await onA.next()).value!;
    await onA.next();
    const followed = await second.app.inject({ url: `/api/v1/runs/${runId}/events`, headers: { ...user.headers, 'last-event-id': '1' } });
    const events = parseEventStream(followed.body);

    const slow = await post();
    const slowRun = slow.headers.get('x-run-id')!;
    await readEventStream(slow).next();
    const cancelled = await second.app.inject({ method: 'POST', url: `/api/v1/runs/${slowRun}/cancel`, headers: user.headers });

    expect(events.map((event) => Number(event.id))).toEqual(events.map((_, index) => index + 2));
    const tokens = [seenOnA, ...events].filter((event) => event.event === 'token');
    expect(tokens.map((event) => (event.data as { content: string }).content).join('')).toBe(words.join(''));
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { content: words.join('') } });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', error: { code: 'RUN_CANCELLED' } });
    expect((await server.waitForAbort(1, 1000)).finished).toBe(false);
  });
});
