import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test-kit/build-test-app.js';
import { createUser } from '../../test-kit/factories.js';
import { deleteRedisKeys, serviceAvailable, serviceUrl } from '../../test-kit/services.js';
import { createLinearWorkflow, delayedGreeting, listenLocally, openSocket, runEvents } from './execution-ws.test-helpers.js';

const hasRedis = await serviceAvailable('redis', 'execution-ws.redis');

/** An execution run by instance A is followed over a socket on instance B, through a pause and a resume on B. */
describe.runIf(hasRedis)('/ws/executions/{id} across instances with REDIS_URL', () => {
  const prefix = `tiangong-test-${randomBytes(4).toString('hex')}:`;
  const env = { REDIS_URL: serviceUrl('redis'), REDIS_PREFIX: prefix };
  let first: TestApp;
  let second: TestApp;

  afterAll(async () => {
    await second?.close();
    await first?.close();
    await deleteRedisKeys(prefix);
  });

  it('B streams what A executes, stays open while A pauses it, and follows it resumed on B to the end', async () => {
    first = await buildTestApp({ env });
    second = await buildTestApp({ env, keepData: true });
    const baseUrl = await listenLocally(second);
    const user = await createUser(first);
    const workflowId = await createLinearWorkflow(first, user, delayedGreeting(6_000));
    // sync with a short timeout: the execution runs in A's process and A answers 202 while it goes on.
    const started = await first.app.inject({
      method: 'POST',
      url: `/api/v1/workflows/${workflowId}/execute`,
      headers: user.headers,
      payload: { input: { name: 'Ada' }, mode: 'sync', timeout_ms: 100 },
    });
    const id = started.json().id as string;

    const client = await openSocket(`${baseUrl}/ws/executions/${id}?token=${user.token}`);
    await client.waitFor((message) => message.event === 'node_started' && message.data!.node_id === 'wait');
    const pause = await first.app.inject({ method: 'POST', url: `/api/v1/executions/${id}/pause`, headers: user.headers });
    await client.waitFor((message) => message.event === 'paused', 20_000);
    const resume = await second.app.inject({ method: 'POST', url: `/api/v1/executions/${id}/resume`, headers: user.headers, payload: {} });
    const closed = await client.closed;

    expect(started.statusCode).toBe(202);
    expect(pause.statusCode).toBe(200);
    expect(resume.statusCode).toBe(202);
    const events = runEvents(client.messages);
    expect(events.map((message) => message.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events.map((message) => message.event)).toEqual([
      'workflow_started',
      'node_started',
      'node_finished',
      'node_started',
      'node_finished',
      'paused',
      'node_started',
      'node_finished',
      'node_started',
      'node_finished',
      'done',
    ]);
    expect(closed).toEqual({ code: 1000, reason: 'succeeded' });
    // Two app builds and a 6 s node (long enough for the pause to land while it runs); on a busy
    // 2-core machine with eleven other suites beside it, it once ran past 90 s.
  }, 180_000);
});
