import type { FastifyBaseLogger } from 'fastify';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { InMemoryEventBus } from '../../platform/events/event-bus.memory.js';
import { createLogger } from '../../platform/logger.js';
import type { RunEvent } from '../runs/active-run.js';
import type { RunsService } from '../runs/runs.service.js';
import type { WorkflowExecutionsService } from '../workflow-executions/workflow-executions.service.js';
import type { ExecutionView } from '../workflow-executions/workflow-executions.view.js';
import { ExecutionSocket } from './execution-socket.js';
import { eventually, openSocket } from './execution-ws.test-helpers.js';

/** The heartbeat of an execution socket, over a real WebSocket pair and a run that never ends. */
const heartbeatMs = 30;
let server: WebSocketServer;
let url: string;
let following: number;

/** A run that sends nothing and ends only when its follower is stopped. */
const endlessRuns = {
  async follow(_actor: unknown, _id: string, _afterSeq: number, signal: AbortSignal) {
    following += 1;
    return (async function* (): AsyncGenerator<RunEvent> {
      try {
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        yield* [];
      } finally {
        following -= 1;
      }
    })();
  },
  async get() {
    return { status: 'running' };
  },
};

const execution = { id: randomUUID(), workflow_id: randomUUID(), workflow_version: 1, status: 'running', steps: [] } as unknown as ExecutionView;

beforeEach(async () => {
  following = 0;
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on('connection', (socket) => {
    const deps = {
      executions: {} as WorkflowExecutionsService,
      runs: endlessRuns as unknown as RunsService,
      events: new InMemoryEventBus(),
      logger: createLogger('silent') as unknown as FastifyBaseLogger,
      heartbeatMs,
    };
    const target = { actor: { userId: randomUUID(), role: 'user' as const }, executionId: execution.id, afterSeq: 0 };
    void new ExecutionSocket(socket, target, deps).serve({ execution, lastSeq: 0 });
  });
});

afterEach(async () => {
  for (const client of server.clients) client.terminate();
  await new Promise((resolve) => server.close(resolve));
});

describe('execution socket heartbeat', () => {
  it('pings an open socket, which the client answers, and keeps it open', async () => {
    const client = await openSocket(url);

    await eventually(() => client.pings >= 3);
    const open = client.socket.readyState === client.socket.OPEN;
    client.socket.close();
    await eventually(() => following === 0);

    expect(open).toBe(true);
    expect(client.messages[0]).toMatchObject({ event: 'status', data: { execution_id: execution.id, status: 'running' } });
  });

  it('drops a client that stops answering pings, and its follower with it', async () => {
    const client = await openSocket(url, { autoPong: false });
    await eventually(() => following === 1);

    const closed = await client.closed;

    expect(closed.code).toBe(1006);
    expect(client.pings).toBeGreaterThanOrEqual(1);
    await eventually(() => following === 0 && server.clients.size === 0);
  });
});
