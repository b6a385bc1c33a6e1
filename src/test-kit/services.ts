import { Redis } from 'ioredis';
import net from 'node:net';

/**
 * Server-backed suites (PostgreSQL, Redis) run when their server answers and skip with a visible
 * message when it does not. CI sets REQUIRE_SERVICES (e.g. "postgres,redis") so that a skipped
 * suite fails the run instead: a green CI always means the server-backed suites ran.
 */
export type ServiceName = 'postgres' | 'redis';

const defaults: Record<ServiceName, { env: string; url: string }> = {
  postgres: { env: 'TEST_POSTGRES_URL', url: 'postgres://postgres@127.0.0.1:5432/postgres' },
  redis: { env: 'TEST_REDIS_URL', url: 'redis://127.0.0.1:6379' },
};

/** The URL a suite should use to reach a service (overridable through TEST_POSTGRES_URL / TEST_REDIS_URL). */
export function serviceUrl(service: ServiceName): string {
  const { env, url } = defaults[service];
  return process.env[env] ?? url;
}

function isRequired(service: ServiceName): boolean {
  return (process.env.REQUIRE_SERVICES ?? '')
    .split(',')
    .map((name) => name.trim())
    .includes(service);
}

function canConnect(url: string, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/** Deletes every key under `prefix` on the test Redis, so a suite leaves nothing behind on a shared server. */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(serviceUrl('redis'));
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    await redis.quit();
  }
}

/**
 * Resolves to true when the service is reachable. When it is not: throws if REQUIRE_SERVICES names
 * it, otherwise prints a SKIP line and resolves to false (use with `describe.runIf` / `describe.skipIf`).
 */
export async function serviceAvailable(service: ServiceName, suite: string): Promise<boolean> {
  const url = serviceUrl(service);
  if (await canConnect(url)) return true;
  const message = `${service} is not reachable at ${url}`;
  if (isRequired(service)) throw new Error(`${suite}: ${message} and REQUIRE_SERVICES requires it`);
  console.warn(`SKIP ${suite}: ${message}; start it to run this suite`);
  return false;
}
