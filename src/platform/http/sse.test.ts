import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { formatComment, formatEvent, openEventStream, type EventStream } from './sse.js';

let app: FastifyInstance | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** Starts a real server whose GET /stream runs `route`; returns its base URL. */
async function serve(route: (reply: FastifyReply) => void | Promise<void>): Promise<string> {
  app = Fastify({ forceCloseConnections: true });
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('x-frame-options', 'DENY');
  });
  app.get('/stream', async (_request, reply) => {
    await route(reply);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/** A GET whose response (headers only) resolves the promise; the body is left to the caller. */
function get(url: string): { request: ClientRequest; response: Promise<IncomingMessage> } {
  let request!: ClientRequest;
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    request = httpRequest(url, resolve);
    request.on('error', reject);
    request.end();
  });
  return { request, response };
}

function readAll(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (body += chunk));
    response.on('end', () => resolve(body));
    response.on('error', reject);
  });
}

/** Reads until `predicate` holds for what has arrived so far. */
function readUntil(response: IncomingMessage, predicate: (body: string) => boolean): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      body += chunk;
      if (predicate(body)) resolve(body);
    });
  });
}

async function poll(condition: () => boolean, timeoutMs = 1000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

/** A promise the route resolves with its stream, so the test can drive it. */
function streamHolder(): { opened: Promise<EventStream>; open: (stream: EventStream) => void } {
  let open!: (stream: EventStream) => void;
  const opened = new Promise<EventStream>((resolve) => (open = resolve));
  return { opened, open };
}

describe('openEventStream', () => {
  it('writes events with exact event, id and data lines, then ends on close', async () => {
    const url = await serve((reply) => {
      const stream = openEventStream(reply);
      stream.send('message.delta', { text: 'Hello\nworld', index: 0 });
      stream.send('message.completed', { ok: true });
      stream.close();
    });

    const response = await get(`${url}/stream`).response;

    expect(await readAll(response)).toBe(
      'event: message.delta\nid: 1\ndata: {"text":"Hello\\nworld","index":0}\n\n' +
        'event: message.completed\nid: 2\ndata: {"ok":true}\n\n',
    );
  });

  it('answers the SSE headers and keeps those set on the reply before', async () => {
    const url = await serve((reply) => {
      reply.header('x-request-id', 'req-123').header('content-type', 'application/json');
      openEventStream(reply, { headers: { 'X-Run-Id': 'run-9' } }).close();
    });

    const response = await get(`${url}/stream`).response;
    await readAll(response);

    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': 'req-123',
      'x-frame-options': 'DENY',
      'x-run-id': 'run-9',
    });
    expect(response.headers['content-length']).toBeUndefined();
  });

  it('sends the headers before the first event', async () => {
    const holder = streamHolder();
    const url = await serve((reply) => holder.open(openEventStream(reply)));

    const response = await get(`${url}/stream`).response;
    const stream = await holder.opened;

    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    stream.close();
    expect(await readAll(response)).toBe('');
  });

  it('continues from startSequence and after an explicit id', async () => {
    const url = await serve((reply) => {
      const stream = openEventStream(reply, { startSequence: 41 });
      stream.send('a', 1);
      stream.send('b', 2, 100);
      stream.send('c', null);
      stream.comment('replay done');
      stream.close();
    });

    const body = await readAll(await get(`${url}/stream`).response);

    expect(body).toBe(
      'event: a\nid: 41\ndata: 1\n\nevent: b\nid: 100\ndata: 2\n\nevent: c\nid: 101\ndata: null\n\n: replay done\n\n',
    );
  });

  it('sends heartbeat comments at the configured interval and stops them on close', async () => {
    const holder = streamHolder();
    const url = await serve((reply) => holder.open(openEventStream(reply, { heartbeatMs: 20 })));

    const response = await get(`${url}/stream`).response;
    const body = await readUntil(response, (text) => text.split(': ping\n\n').length > 3);
    const stream = await holder.opened;
    stream.close();
    const rest = await readAll(response);

    expect(body.replaceAll(': ping\n\n', '')).toBe('');
    expect(rest.replaceAll(': ping\n\n', '')).toBe('');
    expect(stream.closed).toBe(true);
  });

  it('makes close idempotent and send false afterwards', async () => {
    const holder = streamHolder();
    const url = await serve((reply) => holder.open(openEventStream(reply)));

    const response = await get(`${url}/stream`).response;
    const stream = await holder.opened;
    expect(stream.send('one', {})).toBe(true);
    stream.close();
    stream.close();

    expect(stream.send('two', {})).toBe(false);
    expect(stream.comment('late')).toBe(false);
    expect(await readAll(response)).toBe('event: one\nid: 1\ndata: {}\n\n');
    expect(stream.signal.aborted).toBe(false);
  });

  it('aborts the signal when the client disconnects, and ignores sends after', async () => {
    const holder = streamHolder();
    const url = await serve((reply) => {
      // No heartbeat, so only the close listener can notice the client leaving.
      const stream = openEventStream(reply, { heartbeatMs: 0 });
      stream.send('ready', {});
      holder.open(stream);
    });

    const { request, response } = get(`${url}/stream`);
    await readUntil(await response, (text) => text.includes('event: ready'));
    const stream = await holder.opened;
    expect(stream.signal.aborted).toBe(false);

    request.destroy();

    expect(await poll(() => stream.signal.aborted)).toBe(true);
    expect(stream.closed).toBe(true);
    expect(() => stream.send('late', { text: 'x'.repeat(64 * 1024) })).not.toThrow();
    expect(stream.send('late', {})).toBe(false);
    expect(() => stream.close()).not.toThrow();
  });

  it('aborts the signal when a fetch client aborts', async () => {
    const holder = streamHolder();
    const url = await serve((reply) => holder.open(openEventStream(reply)));
    const controller = new AbortController();

    const response = await fetch(`${url}/stream`, { signal: controller.signal });
    const stream = await holder.opened;
    expect(response.headers.get('x-accel-buffering')).toBe('no');

    controller.abort();

    expect(await poll(() => stream.signal.aborted)).toBe(true);
    expect(stream.send('late', {})).toBe(false);
  });
});

describe('formatEvent', () => {
  it('keeps data on one line whatever the strings hold', () => {
    const wire = formatEvent('delta', { text: 'a\r\nb\u2028c', nested: ['\n'] }, 7);

    expect(wire.split('\n').filter((line) => line.startsWith('data: '))).toHaveLength(1);
    expect(JSON.parse(wire.split('\n')[2]!.slice('data: '.length))).toEqual({ text: 'a\r\nb\u2028c', nested: ['\n'] });
  });

  it('refuses event names and ids that would break the framing', () => {
    expect(() => formatEvent('a\nid: 9', {}, 1)).toThrow(TypeError);
    expect(() => formatEvent('', {}, 1)).toThrow(TypeError);
    expect(() => formatEvent('a', {}, 1.5)).toThrow(TypeError);
    expect(() => formatEvent('a', {}, -1)).toThrow(TypeError);
  });

  it('writes undefined data as null', () => {
    expect(formatEvent('a', undefined, 1)).toBe('event: a\nid: 1\ndata: null\n\n');
  });
});

describe('formatComment', () => {
  it('prefixes every line so a comment cannot forge a field', () => {
    expect(formatComment('ping')).toBe(': ping\n\n');
    expect(formatComment('one\ndata: forged')).toBe(': one\n: data: forged\n\n');
  });
});
