import { describe, expect, it, vi } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import type { TestUser } from '../../test-kit/factories.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';
import { RunsRepository } from '../runs/runs.repository.js';
import {
  createLinearWorkflow,
  delayedGreeting,
  eventually,
  execute,
  executionOf,
  listenLocally,
  openSocket,
  runEvents,
} from './execution-ws.test-helpers.js';

/** Executions followed over /ws/executions/{id} on a listening server with a real WebSocket client. */
let testApp: TestApp;
let user: TestUser;
let baseUrl: string;

useAppPerTest(async (app, owner) => {
  testApp = app;
  user = owner;
  baseUrl = await listenLocally(app);
});

const socketUrl = (id: string, query = '') => `${baseUrl}/ws/executions/${id}?token=${user.token}${query}`;

/** The event names a run of {@link delayedGreeting} emits, in order. */
const greetingEvents = [
  'workflow_started',
  ...['start', 'wait', 'greet', 'end'].flatMap(() => ['node_started', 'node_finished']),
  'done',
];

describe('/ws/executions/{id}', () => {
  it('sends the status, then every event of a running execution in order, then closes normally', async () => {
    const workflowId = await createLinearWorkflow(testApp, user, delayedGreeting(800));
    const id = await execute(testApp, user, workflowId, 'async');

    const client = await openSocket(socketUrl(id));
    const closed = await client.closed;

    const [status, ...rest] = client.messages;
    expect(status).toMatchObject({ event: 'status', data: { execution_id: id, workflow_id: workflowId, workflow_version: 1 } });
    expect(['pending', 'running']).toContain(status!.data!.status);
    expect(rest.map((message) => message.event)).toEqual(greetingEvents);
    expect(rest.map((message) => message.seq)).toEqual(greetingEvents.map((_, index) => index + 1));
    expect(rest.find((message) => message.event === 'node_finished' && message.data!.node_id === 'wait')!.data).toMatchObject({
      node_type: 'delay',
      status: 'succeeded',
      output: { waited_ms: 800 },
    });
    expect(rest.at(-1)!.data).toMatchObject({ status: 'succeeded', output: { message: 'Hello, Ada!' }, execution_id: id });
    expect(closed).toEqual({ code: 1000, reason: 'succeeded' });
  });

  it('replays a finished execution (from after_seq when given) and closes', async () => {
    const workflowId = await createLinearWorkflow(testApp, user, delayedGreeting(0));
    const id = await execute(testApp, user, workflowId, 'sync');

    const whole = await openSocket(socketUrl(id));
    const wholeClosed = await whole.closed;
    const tail = await openSocket(socketUrl(id, '&after_seq=7'));
    const tailClosed = await tail.closed;

    expect(whole.messages[0]).toMatchObject({
      event: 'status',
      data: { status: 'succeeded', output: { message: 'Hello, Ada!' }, last_seq: 10, error: null, waiting: null },
    });
    const steps = whole.messages[0]!.data!.steps as Array<Record<string, unknown>>;
    expect(steps.map((step) => `${step.node_id}:${step.node_type}:${step.status}`)).toEqual([
      'start:start:succeeded',
      'wait:delay:succeeded',
      'greet:template:succeeded',
      'end:end:succeeded',
    ]);
    expect(steps[0]).not.toHaveProperty('output');
    expect(runEvents(whole.messages).map((message) => message.event)).toEqual(greetingEvents);
    expect(wholeClosed).toEqual({ code: 1000, reason: 'succeeded' });
    expect(tail.messages[0]!.event).toBe('status');
    expect(runEvents(tail.messages).map((message) => message.seq)).toEqual([8, 9, 10]);
    expect(runEvents(tail.messages)).toEqual(runEvents(whole.messages).slice(7));
    expect(tailClosed.code).toBe(1000);
  });

  it('re-attaches mid-run with after_seq without a gap or a duplicate', async () => {
    const workflowId = await createLinearWorkflow(testApp, user, delayedGreeting(1_000));
    const id = await execute(testApp, user, workflowId, 'async');

    const first = await openSocket(socketUrl(id));
    await first.waitFor((message) => message.event === 'node_started' && message.data!.node_id === 'wait');
    first.socket.close();
    await first.closed;
    const seen = runEvents(first.messages);
    const second = await openSocket(socketUrl(id, `&after_seq=${seen.at(-1)!.seq}`));
    await second.closed;

    const joined = [...seen, ...runEvents(second.messages)];
    expect((await executionOf(testApp, user, id)).status).toBe('succeeded');
    expect(seen.length).toBeLessThan(greetingEvents.length);
    expect(joined.map((message) => message.seq)).toEqual(greetingEvents.map((_, index) => index + 1));
    expect(joined.map((message) => message.event)).toEqual(greetingEvents);
  });

  it('stops following when the client leaves mid-run; the execution goes on', async () => {
    const runs = testApp.container.services.runs;
    const follow = runs.follow.bind(runs);
    let following = 0;
    vi.spyOn(runs, 'follow').mockImplementation(async (...args) => {
      const events = await follow(...args);
      following += 1;
      return (async function* () {
        try {
          yield* events;
        } finally {
          following -= 1;
        }
      })();
    });
    const workflowId = await createLinearWorkflow(testApp, user, delayedGreeting(1_500));
    const id = await execute(testApp, user, workflowId, 'async');

    const client = await openSocket(socketUrl(id));
    await client.waitFor((message) => message.event === 'node_started' && message.data!.node_id === 'wait');
    const followingWhileOpen = following;
    client.socket.close();
    await client.closed;
    await eventually(() => following === 0 && testApp.app.websocketServer.clients.size === 0);
    const statusAfterLeaving = (await executionOf(testApp, user, id)).status;
    await eventually(async () => (await executionOf(testApp, user, id)).status === 'succeeded');

    expect(followingWhileOpen).toBe(1);
    expect(statusAfterLeaving).toBe('running');
    expect(following).toBe(0);
  });

  it('answers ping with pong and refuses unknown or malformed commands without closing', async () => {
    const workflowId = await createLinearWorkflow(testApp, user, delayedGreeting(10_000));
    const id = await execute(testApp, user, workflowId, 'async');
    const client = await openSocket(socketUrl(id));

    client.send({ type: 'ping' });
    const pong = await client.waitFor((message) => message.type === 'pong');
    client.send('not json');
    client.send({ type: 'dance' });
    client.send({ type: 'ping', extra: true });
    client.send({ type: 'resume' });
    await client.waitFor(() => client.messages.filter((message) => message.type === 'error').length === 4);
    const errors = client.messages.filter((message) => message.type === 'error');
    client.socket.close();

    expect(pong).toEqual({ type: 'pong' });
    expect(errors.map((message) => message.error)).toEqual(['WS_MESSAGE_INVALID', 'WS_MESSAGE_INVALID', 'WS_MESSAGE_INVALID', 'EXECUTION_STATE_CONFLICT']);
    expect(errors[0]!.message).toContain('not JSON');
    expect(errors[1]!.message).toContain('type');
  });

  it('pauses and resumes from the socket, staying open while paused', async () => {
    const workflowId = await createLinearWorkflow(testApp, user, delayedGreeting(1_500));
    const id = await execute(testApp, user, workflowId, 'async');
    const client = await openSocket(socketUrl(id));
    await client.waitFor((message) => message.event === 'node_started' && message.data!.node_id === 'wait');

    client.send({ type: 'pause' });
    await client.waitFor((message) => message.event === 'paused');
    // No wait: `paused` goes out only once the paused state is stored.
    const pausedStatus = (await executionOf(testApp, user, id)).status;
    const openWhilePaused = client.socket.readyState === client.socket.OPEN;
    client.send({ type: 'resume' });
    const closed = await client.closed;

    expect(pausedStatus).toBe('paused');
    expect(openWhilePaused).toBe(true);
    const events = runEvents(client.messages);
    expect(events.map((message) => message.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events.map((message) => message.event)).toEqual([...greetingEvents.slice(0, 5), 'paused', ...greetingEvents.slice(5)]);
    expect(closed).toEqual({ code: 1000, reason: 'succeeded' });
  });

  it('sends `paused` only once the execution can be resumed, even when storing that is slow', async () => {
    // A slow final write: the run has stopped, but for 300 ms its state still reads `running`.
    const finishMany = RunsRepository.prototype.finishMany;
    const slowFinish = vi.spyOn(RunsRepository.prototype, 'finishMany').mockImplementation(async function (this: RunsRepository, ...args) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return finishMany.apply(this, args);
    });
    try {
      const workflowId = await createLinearWorkflow(testApp, user, delayedGreeting(500));
      const id = await execute(testApp, user, workflowId, 'async');
      const client = await openSocket(socketUrl(id));
      await client.waitFor((message) => message.event === 'node_started' && message.data!.node_id === 'wait');

      client.send({ type: 'pause' });
      await client.waitFor((message) => message.event === 'paused');
      const resume = await testApp.app.inject({ method: 'POST', url: `/api/v1/executions/${id}/resume`, headers: user.headers, payload: {} });
      // Checked before waiting for the end: a refused resume (409, still running) would leave the socket open.
      expect(resume.statusCode).toBe(202);
      const closed = await client.closed;

      expect(runEvents(client.messages).map((message) => message.event)).toEqual([...greetingEvents.slice(0, 5), 'paused', ...greetingEvents.slice(5)]);
      expect(closed).toEqual({ code: 1000, reason: 'succeeded' });
    } finally {
      slowFinish.mockRestore();
    }
  });

  //   start -> ask (human_approval) -(approved)-> yes -> end_yes
  //                                 \-(rejected)-> no  -> end_no
  it('stays open while an approval waits and resumes with the decision sent on the socket', async () => {
    const graph = {
      nodes: [
        { id: 'start', type: 'start', config: {} },
        { id: 'ask', type: 'human_approval', config: { title: 'Ship it?' } },
        { id: 'yes', type: 'template', config: { template: 'shipped' } },
        { id: 'no', type: 'template', config: { template: 'kept: {{ask.output.comment}}' } },
        { id: 'end_yes', type: 'end', config: { outputs: { result: '{{yes.output.text}}' } } },
        { id: 'end_no', type: 'end', config: { outputs: { result: '{{no.output.text}}' } } },
      ],
      edges: [
        { source: 'start', target: 'ask' },
        { source: 'ask', target: 'yes', source_handle: 'approved' },
        { source: 'ask', target: 'no', source_handle: 'rejected' },
        { source: 'yes', target: 'end_yes' },
        { source: 'no', target: 'end_no' },
      ],
    };
    const workflow = await testApp.container.services.workflows.create({ userId: user.id, role: 'user' }, { name: 'approval', description: '', graph, environment: {} } as never);
    const id = await execute(testApp, user, workflow.id, 'sync', {});
    const client = await openSocket(socketUrl(id));
    await client.waitFor((message) => message.event === 'waiting');

    client.send({ type: 'resume', decision: 'rejected', comment: 'not yet' });
    const closed = await client.closed;

    expect(client.messages[0]).toMatchObject({ event: 'status', data: { status: 'waiting_approval', waiting: { node_id: 'ask' } } });
    expect(runEvents(client.messages).at(-1)).toMatchObject({ event: 'done', data: { output: { result: 'kept: not yet' } } });
    const askFinished = runEvents(client.messages).filter((message) => message.event === 'node_finished' && message.data!.node_id === 'ask');
    expect(askFinished.at(-1)!.data).toMatchObject({ branch: 'rejected', output: { decision: 'rejected', comment: 'not yet' } });
    expect(closed).toEqual({ code: 1000, reason: 'succeeded' });
  });

  it('cancels from the socket and closes after the closing error event', async () => {
    const workflowId = await createLinearWorkflow(testApp, user, delayedGreeting(5_000));
    const id = await execute(testApp, user, workflowId, 'async');
    const client = await openSocket(socketUrl(id));
    await client.waitFor((message) => message.event === 'node_started' && message.data!.node_id === 'wait');

    client.send({ type: 'cancel' });
    const closed = await client.closed;

    expect(runEvents(client.messages).at(-1)).toMatchObject({ event: 'error', data: { error: 'RUN_CANCELLED' } });
    expect(closed).toEqual({ code: 1000, reason: 'cancelled' });
    expect((await executionOf(testApp, user, id)).status).toBe('cancelled');
  });
});
