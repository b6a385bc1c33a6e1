import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test-kit/build-test-app.js';
import { createUser } from '../../test-kit/factories.js';
import { startUpstream, type Upstream } from '../../test-kit/http-upstream.js';
import { deleteRedisKeys, serviceAvailable, serviceUrl } from '../../test-kit/services.js';
import { PAUSE_TOPIC } from '../workflow-executions/workflow-executions.service.js';
import { createLinearWorkflow, listenLocally, openSocket, runEvents } from './execution-ws.test-helpers.js';

const hasRedis = await serviceAvailable('redis', 'execution-ws.redis');

/**
 * An execution run by instance A is followed over a socket on instance B, through a pause and a
 * resume on B. Nothing depends on timing: the node running when the pause is asked for is an HTTP
 * call that the test answers only once A has heard the pause, and B is asked to resume as soon as
 * the socket shows `paused` (which goes out only once the paused state is stored).
 */
describe.runIf(hasRedis)('/ws/executions/{id} across instances with REDIS_URL', () => {
  const prefix = `tiangong-test-${randomBytes(4).toString('hex')}:`;
  const env = { REDIS_URL: serviceUrl('redis'), REDIS_PREFIX: prefix };
  let first: TestApp;
  let second: TestApp;
  let upstream: Upstream | undefined;

  afterAll(async () => {
    await upstream?.close();
    await second?.close();
    await first?.close();
    await deleteRedisKeys(prefix);
  });

  //   start -> call (http, held by the test) -> greet (template) -> end
  it('B streams what A executes, stays open while A pauses it, and follows it resumed on B to the end', async () => {
    let answerCall: () => void = () => undefined;
    const callAnswered = new Promise<void>((resolve) => (answerCall = resolve));
    upstream = await startUpstream(async (_request, response) => {
      await callAnswered;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"name":"Ada"}');
    });
    first = await buildTestApp({ env });
    second = await buildTestApp({ env, keepData: true });
    const baseUrl = await listenLocally(second);
    const user = await createUser(first);
    const workflowId = await createLinearWorkflow(first, user, [
      ['start', 'start'],
      ['call', 'http', { url: `http://127.0.0.1:${upstream.port}/name` }],
      ['greet', 'template', { template: 'Hello, {{call.output.json.name}}!' }],
      ['end', 'end', { outputs: { message: '{{greet.output.text}}' } }],
    ]);
    // sync with a short timeout: the execution runs in A's process and A answers 202 while it goes on.
    const started = await first.app.inject({
      method: 'POST',
      url: `/api/v1/workflows/${workflowId}/execute`,
      headers: user.headers,
      payload: { input: {}, mode: 'sync', timeout_ms: 100 },
    });
    const id = started.json().id as string;

    const client = await openSocket(`${baseUrl}/ws/executions/${id}?token=${user.token}`);
    await client.waitFor((message) => message.event === 'node_started' && message.data!.node_id === 'call');
    // A's executions service subscribed to pause requests when A started, so it hears one first.
    let pauseHeard: () => void = () => undefined;
    const heardOnFirst = new Promise<void>((resolve) => (pauseHeard = resolve));
    const stopListening = await first.container.events.subscribe(PAUSE_TOPIC, () => pauseHeard());
    const pause = await first.app.inject({ method: 'POST', url: `/api/v1/executions/${id}/pause`, headers: user.headers });
    await heardOnFirst;
    await stopListening();
    answerCall();
    await client.waitFor((message) => message.event === 'paused');
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
    expect(events.at(-1)!.data).toMatchObject({ output: { message: 'Hello, Ada!' } });
    expect(closed).toEqual({ code: 1000, reason: 'succeeded' });
    // Two app builds on a busy machine take most of the time; the execution itself waits for nothing.
  }, 90_000);
});
