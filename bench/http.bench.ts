/**
 * npm run bench:http — requests/s and latency of `GET /health` and of an authenticated
 * `GET /api/v1/auth/me` on the real app, each as a ratio to a bare fastify route measured in
 * the same run. docs/benchmarks.md explains how to run it and how to read the figures.
 *
 * autocannon runs in this same process as both servers, so on a small machine (2 cores) the load
 * generator competes with the server for CPU and the absolute figures are lower than a separate
 * load machine would show. That is acceptable here because every target, the baseline included,
 * is measured the same way, one after the other: the ratios compare like with like.
 */
import { randomBytes } from 'node:crypto';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { resolveSecrets } from '../src/config/secrets.js';
import { createContainer } from '../src/container.js';
import {
  BenchFailure,
  compareToBaseline,
  describeMachine,
  listenOnLoopback,
  measureSequentially,
  printSummary,
  printTable,
  readBenchOptions,
  startBaselineServer,
  type BenchTarget,
  type LocalServer,
} from './bench-kit.js';

/** The real app, listening, with a token for a registered user. */
interface TiangongUnderTest {
  readonly server: LocalServer;
  readonly accessToken: string;
}

function benchEnvironment(): NodeJS.ProcessEnv {
  // Built from scratch rather than from process.env, so a developer's DATABASE_URL or REDIS_URL
  // cannot point the bench at a real database; `memory://` keeps PGlite in memory, nothing on disk.
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: 'memory://',
    JWT_SECRET: randomBytes(36).toString('base64url'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    // Only one login happens, but a high limit keeps the rate limiter from ever being the story.
    LOGIN_RATE_LIMIT_MAX: '1000000',
  };
}

/** Builds the container and the app exactly as the server does, then signs a user in through the service. */
async function startTiangong(): Promise<TiangongUnderTest> {
  const config = loadConfig(benchEnvironment(), process.env.npm_package_version ?? '0.0.0');
  const container = await createContainer(config, resolveSecrets(config));
  try {
    const credentials = { email: 'bench@example.com', password: 'bench-password-1234' };
    await container.services.auth.register({ ...credentials, nickname: 'Bench' });
    const { access_token: accessToken } = await container.services.auth.login({
      username: credentials.email,
      password: credentials.password,
    });
    const app = await buildApp(container);
    // As in server.ts: closing the app closes the container (jobs, events, then the database).
    app.addHook('onClose', async () => container.close());
    return { server: await listenOnLoopback(app), accessToken };
  } catch (error) {
    await container.close();
    throw error;
  }
}

function targetsFor(baseline: LocalServer, tiangong: TiangongUnderTest): BenchTarget[] {
  return [
    { name: 'baseline (bare fastify)', url: `${baseline.url}/` },
    { name: 'GET /health', url: `${tiangong.server.url}/health` },
    {
      name: 'GET /api/v1/auth/me',
      url: `${tiangong.server.url}/api/v1/auth/me`,
      headers: { authorization: `Bearer ${tiangong.accessToken}` },
    },
  ];
}

async function main(): Promise<void> {
  const options = readBenchOptions();
  const machine = describeMachine();
  console.log(`machine: ${machine.cpus} cpus (${machine.cpuModel}), node ${machine.node}, ${machine.platform}`);
  console.log(
    `options: ${options.connections} connections, ${options.durationSeconds} s measured ` +
      `after ${options.warmupSeconds} s warm-up per target`,
  );

  const servers: LocalServer[] = [];
  try {
    const baseline = await startBaselineServer();
    servers.push(baseline);
    const tiangong = await startTiangong();
    servers.push(tiangong.server);

    const measurements = await measureSequentially(targetsFor(baseline, tiangong), options);
    const [baselineMeasurement] = measurements;
    if (!baselineMeasurement) throw new BenchFailure('the baseline was not measured');
    const comparisons = compareToBaseline(baselineMeasurement, measurements);
    console.log('');
    printTable(comparisons);
    console.log('');
    printSummary('http', options, comparisons);
  } finally {
    // allSettled so that one server failing to close still lets the others close.
    await Promise.allSettled(servers.map((server) => server.close()));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof BenchFailure ? `bench failed: ${error.message}` : error);
  process.exitCode = 1;
});
