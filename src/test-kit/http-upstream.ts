import { type IncomingMessage, type ServerResponse, createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import type { ResolvedAddress, Resolver } from '../platform/http-client/resolver.js';

/** A TCP server on loopback that only counts connections: any connection means the guard let something through. */
export interface Canary {
  port: number;
  connections(): number;
  close(): Promise<void>;
}

/** Starts a canary on `host` (127.0.0.1 by default), on a random port unless `port` is given. */
export async function startCanary(host = '127.0.0.1', port = 0): Promise<Canary> {
  let count = 0;
  const server = createTcpServer((socket) => {
    count += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** What a test upstream saw of one request. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** An HTTP server on 127.0.0.1 with a scripted handler and a log of what it received. */
export interface Upstream {
  port: number;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

/** Starts an upstream whose `handler` answers each request after its body has been read. */
export async function startUpstream(
  handler: (request: ReceivedRequest, response: ServerResponse) => void | Promise<void>,
): Promise<Upstream> {
  const received: ReceivedRequest[] = [];
  const server = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(entry);
      void Promise.resolve(handler(entry, response)).catch(() => response.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A resolver scripted per name: each name maps to its answers, or to one list per call (the last list repeats). */
export interface ScriptedResolver {
  resolve: Resolver;
  calls(hostname: string): number;
}

/** Builds a scripted resolver; unknown names fail like getaddrinfo's ENOTFOUND. */
export function scriptedResolver(script: Record<string, readonly string[] | readonly (readonly string[])[]>): ScriptedResolver {
  const counts = new Map<string, number>();
  const toAnswer = (address: string): ResolvedAddress => ({ address, family: address.includes(':') ? 6 : 4 });
  return {
    calls: (hostname) => counts.get(hostname) ?? 0,
    resolve: async (hostname) => {
      const call = counts.get(hostname) ?? 0;
      counts.set(hostname, call + 1);
      const entry = script[hostname];
      if (entry === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      const perCall = entry.length > 0 && Array.isArray(entry[0]);
      if (!perCall) return (entry as readonly string[]).map(toAnswer);
      const lists = entry as readonly (readonly string[])[];
      return (lists[Math.min(call, lists.length - 1)] ?? []).map(toAnswer);
    },
  };
}
