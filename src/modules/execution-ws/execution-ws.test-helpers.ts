/**
 * What the execution socket tests share: a WebSocket client that records every message, the
 * refused-upgrade reader, and workflows to execute. Not named *.test.ts, so vitest imports it from
 * those files instead of running it alone.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocket, type ClientOptions } from 'ws';
import type { TestApp } from '../../test-kit/build-test-app.js';
import type { TestUser } from '../../test-kit/factories.js';

/** One message the server sent, as parsed JSON. */
export type SocketMessage = { event?: string; seq?: number; type?: string; data?: Record<string, unknown>; [key: string]: unknown };

/** An open test socket. */
export interface SocketClient {
  socket: WebSocket;
  /** Every message so far, in arrival order. */
  messages: SocketMessage[];
  /** Ping frames the server sent. */
  pings: number;
  /** Resolves when the socket has closed, with the server's code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the first message (already received or coming) that matches; rejects after `timeoutMs`. */
  waitFor(predicate: (message: SocketMessage) => boolean, timeoutMs?: number): Promise<SocketMessage>;
  send(message: unknown): void;
}

/** The ws:// base address of an app listening on a local port. */
export async function listenLocally(testApp: TestApp): Promise<string> {
  await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = testApp.app.server.address() as AddressInfo;
  return `ws://127.0.0.1:${port}`;
}

/** Opens a socket; rejects (with the status and body) if the server refuses the upgrade. */
export function openSocket(url: string, options: ClientOptions = {}): Promise<SocketClient> {
  const socket = new WebSocket(url, options);
  const messages: SocketMessage[] = [];
  const listeners = new Set<() => void>();
  const client: SocketClient = {
    socket,
    messages,
    pings: 0,
    closed: new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))),
    waitFor(predicate, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(predicate);
          if (!found) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
  };
  socket.on('message', (data) => {
    messages.push(JSON.parse(data.toString()) as SocketMessage);
    for (const listener of [...listeners]) listener();
  });
  socket.on('ping', () => (client.pings += 1));
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client));
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => reject(new Error(`refused ${response.statusCode}: ${body}`)));
    });
    socket.once('error', reject);
  });
}

/** The HTTP answer to an upgrade the server must refuse; throws if the socket opens. */
export function refusedUpgrade(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: { error: string; message: string; details?: { fields?: Array<{ field: string }> } } }> {
  const socket = new WebSocket(url, { headers });
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      socket.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(body) }));
    });
    socket.once('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

/** Run events among the messages (the `status` message and command answers left out). */
export function runEvents(messages: SocketMessage[]): SocketMessage[] {
  return messages.filter((message) => typeof message.seq === 'number');
}

/** A step of a linear test workflow: its node id, type and config. */
export type LinearNode = [id: string, type: string, config?: Record<string, unknown>];

/** Creates a workflow of `owner` whose nodes run one after the other. */
export async function createLinearWorkflow(testApp: TestApp, owner: TestUser, nodes: LinearNode[]): Promise<string> {
  const graph = {
    nodes: nodes.map(([id, type, config]) => ({ id, type, config: config ?? {} })),
    edges: nodes.slice(1).map(([target], index) => ({ source: nodes[index]![0], target })),
  };
  const workflow = await testApp.container.services.workflows.create({ userId: owner.id, role: 'user' }, {
    name: `ws-${randomUUID().slice(0, 8)}`,
    description: '',
    graph,
    environment: {},
  } as never);
  return workflow.id;
}

/** start -> wait (delay `ms`) -> greet (template) -> end: ten events, the delay in the middle. */
export function delayedGreeting(ms: number): LinearNode[] {
  return [
    ['start', 'start', { inputs: [{ name: 'name', type: 'string', required: true }] }],
    ['wait', 'delay', { ms }],
    ['greet', 'template', { template: 'Hello, {{start.input.name}}!' }],
    ['end', 'end', { outputs: { message: '{{greet.output.text}}' } }],
  ];
}

/** Starts an execution of `workflowId` as `owner` in `mode` and answers its id. */
export async function execute(testApp: TestApp, owner: TestUser, workflowId: string, mode: 'sync' | 'async', input: Record<string, unknown> = { name: 'Ada' }): Promise<string> {
  const response = await testApp.app.inject({
    method: 'POST',
    url: `/api/v1/workflows/${workflowId}/execute`,
    headers: owner.headers,
    payload: { input, mode },
  });
  if (response.statusCode >= 300) throw new Error(`execute: ${response.statusCode} ${response.body}`);
  return response.json().id as string;
}

/** Reads an execution as `owner` through the API. */
export async function executionOf(testApp: TestApp, owner: TestUser, id: string): Promise<{ status: string; steps: Array<{ node_id: string }> }> {
  return (await testApp.app.inject({ method: 'GET', url: `/api/v1/executions/${id}`, headers: owner.headers })).json();
}

/** Polls until `condition` holds; throws after `timeoutMs`. */
export async function eventually(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
