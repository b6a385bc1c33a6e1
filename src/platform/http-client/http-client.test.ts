import type { ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpClientOptions, createHttpClient } from './http-client.js';
import {
  OutboundNetworkError,
  OutboundRequestBlocked,
  OutboundRequestTimeout,
  OutboundResponseTooLarge,
  OutboundTooManyRedirects,
} from './http-client.errors.js';
import { type ReceivedRequest, type Upstream, scriptedResolver, startCanary, startUpstream } from '../../test-kit/http-upstream.js';

// Every test server is on loopback, so the "allowed" upstream is reached through fake names that the injected
// resolver maps to 127.0.0.1 and that allowedPrivateHosts lists.

let upstream: Upstream;
let releaseStream: () => void = () => undefined;
const kibibyte = 'x'.repeat(1024);

function route(request: ReceivedRequest, response: ServerResponse): void {
  const url = new URL(request.url, 'http://upstream.test');
  const [, name = '', argument = ''] = url.pathname.split('/');
  switch (name) {
    case 'redirect': {
      const status = Number(url.searchParams.get('status') ?? '302');
      response.writeHead(status, { location: url.searchParams.get('to') ?? '/' }).end('moving');
      return;
    }
    case 'chain': {
      const remaining = Number(argument);
      if (remaining > 0) response.writeHead(302, { location: `/chain/${remaining - 1}` }).end();
      else response.end('end of chain');
      return;
    }
    case 'declared-large':
      response.writeHead(200, { 'content-length': String(4 * 1024) }).end(kibibyte.repeat(4));
      return;
    case 'streamed':
      // No Content-Length: only counting the bytes can catch this one.
      response.writeHead(200, { 'content-type': 'text/plain' });
      for (let index = 0; index < Number(argument); index += 1) response.write(kibibyte);
      response.end();
      return;
    case 'stall':
      return;
    case 'stall-body':
      response.writeHead(200, { 'content-type': 'text/plain' }).write('partial');
      return;
    case 'stream':
      response.writeHead(200, { 'content-type': 'text/event-stream' }).write('data: first\n\n');
      releaseStream = () => response.end('data: second\n\n');
      return;
    default:
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(`hello from ${request.headers.host}`);
  }
}

beforeAll(async () => {
  upstream = await startUpstream(route);
});

afterAll(async () => {
  await upstream.close();
});

function guardedClient(extra: HttpClientOptions = {}) {
  return createHttpClient({
    allowedPrivateHosts: ['upstream.test', 'other.test'],
    resolver: scriptedResolver({ 'upstream.test': ['127.0.0.1'], 'other.test': ['127.0.0.1'] }).resolve,
    ...extra,
  });
}

function at(path: string, host = 'upstream.test'): string {
  return `http://${host}:${upstream.port}${path}`;
}

function requestsTo(path: string): ReceivedRequest[] {
  return upstream.received.filter((request) => request.url === path);
}

async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => new Error('expected a failure'),
    (error: unknown) => error,
  );
}

describe('allow list', () => {
  it('reaches an allowed loopback address, and refuses the same address on another port at a redirect hop', async () => {
    const canary = await startCanary();
    const client = createHttpClient({ allowedPrivateHosts: [`127.0.0.1:${upstream.port}`] });
    const response = await client.request(`http://127.0.0.1:${upstream.port}/hello`);
    expect(response.status).toBe(200);
    expect(response.text()).toBe(`hello from 127.0.0.1:${upstream.port}`);
    const hop = `http://127.0.0.1:${upstream.port}/redirect?to=${encodeURIComponent(`http://127.0.0.1:${canary.port}/`)}`;
    const error = await failure(client.fetch(hop));
    expect(error).toBeInstanceOf(OutboundRequestBlocked);
    expect(canary.connections()).toBe(0);
    await client.close();
    await canary.close();
  });

  it('opens the canary itself only once it is listed', async () => {
    const canary = await startCanary();
    const url = `http://127.0.0.1:${canary.port}/`;
    const closed = createHttpClient();
    expect(await failure(closed.fetch(url))).toBeInstanceOf(OutboundRequestBlocked);
    expect(canary.connections()).toBe(0);
    const opened = createHttpClient({ allowedPrivateHosts: [`127.0.0.1:${canary.port}`] });
    // The canary drops every connection, so reaching it ends in a typed network error.
    expect(await failure(opened.fetch(url))).toBeInstanceOf(OutboundNetworkError);
    expect(canary.connections()).toBeGreaterThanOrEqual(1);
    await Promise.all([closed.close(), opened.close(), canary.close()]);
  });

  it('refuses malformed allow-list entries when the client is created', () => {
    expect(() => createHttpClient({ allowedPrivateHosts: ['10.0.0.0/40'] })).toThrow(/allowedPrivateHosts/);
  });
});

describe('pinning', () => {
  it('connects to the address it checked even when the name later resolves elsewhere', async () => {
    const second = await startCanary('127.0.0.2', upstream.port).catch(() => null);
    const resolver = scriptedResolver({ 'pinned.test': [['127.0.0.1'], ['127.0.0.2']] });
    const client = createHttpClient({ allowedPrivateHosts: ['127.0.0.1'], resolver: resolver.resolve });
    const response = await client.request(`http://pinned.test:${upstream.port}/hello`);
    // The system resolver does not know pinned.test: only the pinned address can have answered, Host unchanged.
    expect(response.text()).toBe(`hello from pinned.test:${upstream.port}`);
    expect(resolver.calls('pinned.test')).toBe(1);
    const error = await failure(client.request(`http://pinned.test:${upstream.port}/hello`));
    expect(error).toBeInstanceOf(OutboundRequestBlocked);
    expect(resolver.calls('pinned.test')).toBe(2);
    expect(second?.connections() ?? 0).toBe(0);
    await Promise.all([client.close(), second?.close()]);
  });
});

describe('TLS to a pinned address', () => {
  it('sends the original host name as SNI while dialling the pinned address', async () => {
    const helloBytes: Buffer[] = [];
    const server = createTcpServer((socket) => {
      // The ClientHello carries the SNI in clear text; record it and hang up (no certificate needed).
      socket.once('data', (chunk: Buffer) => {
        helloBytes.push(chunk);
        socket.destroy();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const client = createHttpClient({
      allowedPrivateHosts: ['secure.test'],
      resolver: scriptedResolver({ 'secure.test': ['127.0.0.1'] }).resolve,
    });
    expect(await failure(client.fetch(`https://secure.test:${port}/`))).toBeInstanceOf(OutboundNetworkError);
    expect(Buffer.concat(helloBytes).includes('secure.test')).toBe(true);
    await client.close();
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('redirects', () => {
  it('follows up to maxRedirects hops and fails past them', async () => {
    const client = guardedClient({ maxRedirects: 3 });
    const followed = await client.fetch(at('/chain/3'));
    expect(await followed.text()).toBe('end of chain');
    expect(followed.redirected).toBe(true);
    expect(followed.url).toBe(at('/chain/0'));
    const before = upstream.received.length;
    expect(await failure(client.fetch(at('/chain/4')))).toBeInstanceOf(OutboundTooManyRedirects);
    expect(upstream.received.length - before).toBe(4);
    await client.close();
  });

  it('hands back the redirect with redirect: manual, and fails with redirect: error', async () => {
    const client = guardedClient();
    const manual = await client.fetch(at('/chain/1'), { redirect: 'manual' });
    expect(manual.status).toBe(302);
    expect(manual.headers.get('location')).toBe('/chain/0');
    expect(await failure(client.fetch(at('/chain/1'), { redirect: 'error' }))).toBeInstanceOf(OutboundTooManyRedirects);
    await client.close();
  });

  it.each([
    [303, 'POST', 'GET', ''],
    [303, 'PUT', 'GET', ''],
    [301, 'POST', 'GET', ''],
    [302, 'POST', 'GET', ''],
    [302, 'PUT', 'PUT', 'payload'],
    [307, 'POST', 'POST', 'payload'],
    [308, 'PUT', 'PUT', 'payload'],
  ])('on %i turns %s into %s', async (status, method, expectedMethod, expectedBody) => {
    const client = guardedClient();
    const target = `/landing-${status}-${method}`;
    await client.request(at(`/redirect?status=${status}&to=${encodeURIComponent(target)}`), {
      method,
      body: 'payload',
      headers: { 'content-type': 'text/plain' },
    });
    const [landed] = requestsTo(target);
    expect(landed?.method).toBe(expectedMethod);
    expect(landed?.body).toBe(expectedBody);
    expect(landed?.headers['content-type']).toBe(expectedBody === '' ? undefined : 'text/plain');
    await client.close();
  });

  it('drops Authorization and Cookie on a cross-origin hop and keeps them on a same-origin hop', async () => {
    const client = guardedClient();
    const headers = { authorization: 'Bearer secret-token', cookie: 'session=1' };
    await client.request(at(`/redirect?to=${encodeURIComponent('/same-origin-landing')}`), { headers });
    await client.request(at(`/redirect?to=${encodeURIComponent(at('/cross-origin-landing', 'other.test'))}`), { headers });
    expect(requestsTo('/same-origin-landing')[0]?.headers.authorization).toBe('Bearer secret-token');
    const crossed = requestsTo('/cross-origin-landing')[0];
    expect(crossed?.headers.host).toBe(`other.test:${upstream.port}`);
    expect(crossed?.headers.authorization).toBeUndefined();
    expect(crossed?.headers.cookie).toBeUndefined();
    await client.close();
  });
});

describe('limits', () => {
  it('refuses a body whose Content-Length is over the cap', async () => {
    const client = guardedClient({ maxResponseBytes: 1024 });
    expect(await failure(client.request(at('/declared-large')))).toBeInstanceOf(OutboundResponseTooLarge);
    expect(await failure(client.fetch(at('/declared-large')))).toBeInstanceOf(OutboundResponseTooLarge);
    await client.close();
  });

  it('counts streamed bytes against the cap, per call and through fetch', async () => {
    const client = guardedClient({ maxResponseBytes: 2 * 1024 });
    const exact = await client.request(at('/streamed/2'));
    expect(exact.bytes.byteLength).toBe(2 * 1024);
    expect(await failure(client.request(at('/streamed/3')))).toBeInstanceOf(OutboundResponseTooLarge);
    const tooLarge = await failure(client.request(at('/streamed/2'), { maxResponseBytes: 1024 }));
    expect(tooLarge).toMatchObject({ code: 'HTTP_CLIENT_RESPONSE_TOO_LARGE', limitBytes: 1024 });
    const response = await client.fetch(at('/streamed/3'));
    expect(await failure(response.text())).toBeInstanceOf(OutboundResponseTooLarge);
    await client.close();
  });

  it('times out a request whose headers never come, and one whose body stalls', async () => {
    const client = guardedClient({ timeoutMs: 150 });
    expect(await failure(client.request(at('/stall')))).toBeInstanceOf(OutboundRequestTimeout);
    expect(await failure(client.request(at('/stall-body')))).toBeInstanceOf(OutboundRequestTimeout);
    expect(await failure(client.fetch(at('/stall')))).toBeInstanceOf(OutboundRequestTimeout);
    const streaming = await client.fetch(at('/stall-body'));
    expect(await failure(streaming.text())).toBeInstanceOf(OutboundRequestTimeout);
    await client.close();
  });

  it('honours the caller abort signal with an AbortError, not a timeout', async () => {
    const client = guardedClient();
    const controller = new AbortController();
    const pending = failure(client.fetch(at('/stall'), { signal: controller.signal }));
    controller.abort();
    expect(await pending).toMatchObject({ name: 'AbortError' });
    const preAborted = await failure(client.request(at('/hello'), { signal: AbortSignal.abort() }));
    expect(preAborted).toMatchObject({ name: 'AbortError' });
    await client.close();
  });
});

describe('fetch compatibility', () => {
  it('streams a chunked response chunk by chunk', async () => {
    const client = guardedClient();
    const response = await client.fetch(at('/stream'));
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    // The server holds the second event until the first has been read: a buffering client would hang here.
    const first = await reader.read();
    expect(decoder.decode(first.value)).toBe('data: first\n\n');
    releaseStream();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += decoder.decode(chunk.value);
    expect(rest).toBe('data: second\n\n');
    await client.close();
  });

  it('sends URL credentials as Basic auth, a default User-Agent, and FormData as multipart', async () => {
    const client = guardedClient({ userAgent: 'tiangong-test' });
    await client.fetch(`http://us%40er:p%3Ass@upstream.test:${upstream.port}/with-credentials`);
    const [received] = requestsTo('/with-credentials');
    expect(received?.headers.authorization).toBe(`Basic ${Buffer.from('us@er:p:ss').toString('base64')}`);
    expect(received?.headers['user-agent']).toBe('tiangong-test');
    const form = new FormData();
    form.append('field', 'value');
    await client.fetch(at('/form'), { method: 'POST', body: form });
    const [posted] = requestsTo('/form');
    expect(posted?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(posted?.body).toContain('name="field"');
    await client.close();
  });

  it('reports unreachable hosts and unknown names as typed network errors', async () => {
    const canary = await startCanary();
    const port = canary.port;
    await canary.close();
    const client = createHttpClient({
      allowedPrivateHosts: [`127.0.0.1:${port}`],
      resolver: scriptedResolver({}).resolve,
    });
    expect(await failure(client.fetch(`http://127.0.0.1:${port}/`))).toMatchObject({
      code: 'HTTP_CLIENT_NETWORK_ERROR',
      systemCode: 'ECONNREFUSED',
    });
    const unknown = await failure(client.fetch('http://no-such-name.test/'));
    expect(unknown).toBeInstanceOf(OutboundNetworkError);
    expect(unknown).toMatchObject({ systemCode: 'ENOTFOUND' });
    await client.close();
  });
});
