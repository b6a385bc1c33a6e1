import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import { loadConfig, type Config } from '../config/config.js';
import type { Secrets } from '../config/secrets.js';
import type { RunsTiming } from '../modules/runs/runs.service.js';
import { createContainer, type Container } from '../container.js';
import { createArgon2Hasher } from '../platform/crypto/password.js';
import type { DatabaseHandle } from '../platform/db/database.js';
import type { Logger } from '../platform/logger.js';
import type { RetryPolicy } from '../platform/llm/retry-policy.js';
import { FixedClock } from './fixed-clock.js';
import { sharedTestDatabase, truncateAll } from './test-database.js';

/** Secrets fixed for tests, so a test can forge tokens with the same key on purpose. */
export const testSecrets: Secrets = {
  jwtSecret: 'test-jwt-secret-that-is-long-enough-0123456789',
  encryptionKey: Buffer.alloc(32, 7),
};

export interface TestAppOptions {
  /** Extra environment variables (as strings, like the real environment). */
  env?: Record<string, string>;
  /** Defaults to a FixedClock at 2026-01-01; pass one to move time in the test. */
  clock?: FixedClock;
  /** Use this database instead of the file's shared one. */
  database?: DatabaseHandle;
  /** Keep the rows already in the shared database (default: empty it first). */
  keepData?: boolean;
  /** Retry timing of model calls; defaults to fast retries so failure tests take milliseconds. */
  retryPolicy?: RetryPolicy;
  /** A logger to use instead of the silent one (e.g. to read log lines). */
  logger?: Logger;
  /** Timing of durable runs (heartbeat, staleness, waits). */
  runsTiming?: Partial<RunsTiming>;
  /** Called before the app is built, to add test-only routes on top of the real ones. */
  extend?: (app: FastifyInstance) => void | Promise<void>;
}

/** A built (not listening) app with its container and clock. */
export interface TestApp {
  app: FastifyInstance;
  container: Container;
  config: Config;
  clock: FixedClock;
  close(): Promise<void>;
}

/** Retries after 5, 10, 20 ms instead of seconds; everything else as in production. */
export const fastRetryPolicy: RetryPolicy = { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 50, timeoutMs: 5_000 };

/** The environment every test app starts from: quiet logs, no secrets from the machine. */
export function testEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  // Test servers (the scripted model server, upstreams) listen on 127.0.0.1, so that one address is
  // opened; every other private destination stays refused, as in production.
  return { NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: 'memory://', ALLOWED_PRIVATE_HOSTS: '127.0.0.1', ...extra };
}

/** Builds the real app over the file's test database, with cheap argon2 and a fixed clock. */
export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const config = loadConfig(testEnvironment(options.env), '0.0.0-test');
  const database = options.database ?? (await sharedTestDatabase());
  if (!options.database && !options.keepData) await truncateAll(database);
  const clock = options.clock ?? new FixedClock();
  const container = await createContainer(config, testSecrets, {
    database,
    migrated: !options.database,
    ...(options.logger ? { logger: options.logger } : {}),
    retryPolicy: options.retryPolicy ?? fastRetryPolicy,
    ...(options.runsTiming ? { runsTiming: options.runsTiming } : {}),
    // Waits of milliseconds between embedding retries, so a 429 scenario takes no time.
    embeddingRetry: { initialDelayMs: 5, maxDelayMs: 50 },
    clock,
    // Real argon2id with small parameters: the suite hashes hundreds of passwords.
    passwords: createArgon2Hasher({ memoryCost: 1024, timeCost: 1 }),
  });
  const app = await buildApp(container);
  await options.extend?.(app);
  app.addHook('onClose', async () => container.close());
  await app.ready();
  return { app, container, config, clock, close: () => app.close() };
}
