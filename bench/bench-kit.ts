/**
 * Reusable pieces for the HTTP benches (bench:http, bench:chat and later others): read the
 * shared options, start the bare fastify baseline and the real app with a signed-in user, measure
 * a target with autocannon, and print the table and the one-line JSON summary.
 *
 * Every figure is reported as a ratio to the baseline measured in the same run, because absolute
 * requests per second depend on the machine and on what else it is doing; the ratio does not.
 */
import autocannon from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { resolveSecrets } from '../src/config/secrets.js';
import { createContainer } from '../src/container.js';

/** The knobs every bench shares; the same values apply to every target of a run. */
export interface BenchOptions {
  readonly connections: number;
  readonly durationSeconds: number;
  /** An uncounted run before each measured one, so JIT compilation and caches settle first. */
  readonly warmupSeconds: number;
}

/** One URL to load, with the headers each request carries (for example Authorization). */
export interface BenchTarget {
  readonly name: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The HTTP method (default GET). */
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The request body every request sends (give the content-type in `headers`). */
  readonly body?: string;
}

/** What one measured run gave. Latencies are in milliseconds, over 2xx responses only. */
export interface Measurement {
  readonly name: string;
  readonly requestsPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly requestsTotal: number;
}

/** A measurement next to the baseline: above 1 is more requests/s, above 1 is a slower p99. */
export interface Comparison extends Measurement {
  readonly requestsRatio: number | null;
  readonly p99Ratio: number | null;
}

/** A server listening on the loopback interface, and how to stop it. */
export interface LocalServer {
  readonly url: string;
  close(): Promise<void>;
}

/** A bench whose numbers would be meaningless (errors, non-2xx answers); the process exits 1. */
export class BenchFailure extends Error {
  override readonly name = 'BenchFailure';
}

function readWholeNumber(environment: NodeJS.ProcessEnv, name: string, fallback: number, minimum: number): number {
  const text = environment[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < minimum) {
    throw new BenchFailure(`${name} must be a whole number of at least ${minimum}, got "${text}"`);
  }
  return value;
}

/**
 * BENCH_CONNECTIONS (default 50), BENCH_DURATION in seconds (default 10), BENCH_WARMUP in seconds
 * (default 2, 0 skips it). A bench with other defaults passes them in `defaults`; the variables still win.
 */
export function readBenchOptions(
  environment: NodeJS.ProcessEnv = process.env,
  defaults: Partial<BenchOptions> = {},
): BenchOptions {
  return {
    connections: readWholeNumber(environment, 'BENCH_CONNECTIONS', defaults.connections ?? 50, 1),
    durationSeconds: readWholeNumber(environment, 'BENCH_DURATION', defaults.durationSeconds ?? 10, 1),
    warmupSeconds: readWholeNumber(environment, 'BENCH_WARMUP', defaults.warmupSeconds ?? 2, 0),
  };
}

/** A whole-number variable of a bench (a request count, say), with its default and minimum. */
export function readBenchCount(
  name: string,
  fallback: number,
  minimum = 1,
  environment: NodeJS.ProcessEnv = process.env,
): number {
  return readWholeNumber(environment, name, fallback, minimum);
}

/** Listens on 127.0.0.1 on a free port; loopback keeps the network card out of the figures. */
export async function listenOnLoopback(app: FastifyInstance): Promise<LocalServer> {
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url: address, close: () => app.close() };
}

/** The real app, listening, with a token for a registered user. */
export interface TiangongUnderTest {
  readonly server: LocalServer;
  readonly accessToken: string;
}

/** The environment of a bench's app: in memory, silent, fresh secrets, then `extra` on top. */
export function benchEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // Built from scratch rather than from process.env, so a developer's DATABASE_URL, REDIS_URL or
  // OPENAI_* cannot leak in; `memory://` keeps PGlite in memory, nothing on disk.
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: 'memory://',
    JWT_SECRET: randomBytes(36).toString('base64url'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    // One login per run, but a high limit keeps the rate limiter from ever being the story.
    LOGIN_RATE_LIMIT_MAX: '1000000',
    // The scripted model server listens on loopback, which the SSRF guard refuses unless opened.
    ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
    ...extra,
  };
}

/** Builds the container and the app as the server does, registers and signs in a user, and listens. */
export async function startTiangong(environment: NodeJS.ProcessEnv = benchEnvironment()): Promise<TiangongUnderTest> {
  const config = loadConfig(environment, process.env.npm_package_version ?? '0.0.0');
  const container = await createContainer(config, resolveSecrets(config));
  try {
    // A fresh e-mail each run: on an opt-in real database an earlier run's user may still be there.
    const credentials = { email: `bench-${randomBytes(4).toString('hex')}@example.com`, password: 'bench-password-1234' };
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

/**
 * The reference point: a bare fastify (no logger, no plugins, no hooks) with one route answering
 * `{ status: 'ok' }`. Whatever the real app costs beyond that shows up in the ratios.
 */
export async function startBaselineServer(): Promise<LocalServer> {
  const app = Fastify();
  app.get('/', async () => ({ status: 'ok' }));
  return listenOnLoopback(app);
}

function checkResult(target: BenchTarget, result: autocannon.Result): void {
  const problems: string[] = [];
  if (result.errors > 0) problems.push(`${result.errors} connection errors (${result.timeouts} timeouts)`);
  if (result.non2xx > 0) {
    const byStatus = Object.entries(result.statusCodeStats ?? {})
      .filter(([status]) => !status.startsWith('2'))
      .map(([status, stats]) => `${stats.count ?? 0}×${status}`);
    problems.push(`${result.non2xx} non-2xx responses (${byStatus.join(', ')})`);
  }
  if (result['2xx'] === 0) problems.push('no successful response at all');
  if (problems.length > 0) {
    throw new BenchFailure(`${target.name} (${target.url}): ${problems.join('; ')}`);
  }
}

async function load(target: BenchTarget, options: BenchOptions, durationSeconds: number): Promise<autocannon.Result> {
  const result = await autocannon({
    url: target.url,
    connections: options.connections,
    duration: durationSeconds,
    headers: { ...target.headers },
    ...(target.method ? { method: target.method } : {}),
    ...(target.body !== undefined ? { body: target.body } : {}),
  });
  checkResult(target, result);
  return result;
}

/** Warms the target up (uncounted), then measures it; throws BenchFailure on any error or non-2xx. */
export async function measureTarget(target: BenchTarget, options: BenchOptions): Promise<Measurement> {
  if (options.warmupSeconds > 0) await load(target, options, options.warmupSeconds);
  const result = await load(target, options, options.durationSeconds);
  return {
    name: target.name,
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    requestsTotal: result['2xx'],
  };
}

/**
 * Measures the targets one after the other, never at once: they share the CPU with the load
 * generator, so concurrent runs would steal from each other and skew every figure.
 */
export async function measureSequentially(targets: readonly BenchTarget[], options: BenchOptions): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  for (const target of targets) {
    console.log(`measuring ${target.name} …`);
    measurements.push(await measureTarget(target, options));
  }
  return measurements;
}

function ratio(value: number, reference: number): number | null {
  return reference > 0 ? value / reference : null;
}

/** Puts each measurement next to the baseline (the baseline itself comes out at 1.00). */
export function compareToBaseline(baseline: Measurement, measurements: readonly Measurement[]): Comparison[] {
  return measurements.map((measurement) => ({
    ...measurement,
    requestsRatio: ratio(measurement.requestsPerSecond, baseline.requestsPerSecond),
    p99Ratio: ratio(measurement.latencyP99Ms, baseline.latencyP99Ms),
  }));
}

/** The machine line: absolute figures only mean something next to it. */
export function describeMachine(): { cpus: number; cpuModel: string; node: string; platform: string } {
  const processors = cpus();
  return {
    cpus: processors.length,
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

/** The 1, 5 and 15 minute load averages: on a shared 2-core machine, other work shows up in every figure. */
export function loadText(): string {
  return loadavg().map((value) => value.toFixed(2)).join(' / ');
}

function formatRatio(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(2);
}

/** Prints the comparison as an aligned text table. */
export function printTable(comparisons: readonly Comparison[]): void {
  const header = ['target', 'req/s', 'p50 ms', 'p99 ms', 'req/s ratio', 'p99 ratio'];
  const rows = comparisons.map((comparison) => [
    comparison.name,
    Math.round(comparison.requestsPerSecond).toLocaleString('en-US'),
    comparison.latencyP50Ms.toFixed(1),
    comparison.latencyP99Ms.toFixed(1),
    formatRatio(comparison.requestsRatio),
    formatRatio(comparison.p99Ratio),
  ]);
  printAlignedTable(header, rows);
}

/** Prints rows of cells under a header: the first column left-aligned, the others right-aligned. */
export function printAlignedTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  // The name column reads left-aligned; the numbers right-aligned so their digits line up.
  const format = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ');
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(format(row));
}

function round(value: number | null, digits: number): number | null {
  return value === null ? null : Number(value.toFixed(digits));
}

/** Prints `BENCH_RESULT {...}` on one line, for CI logs and for recording results over time. */
export function printSummary(bench: string, options: BenchOptions, comparisons: readonly Comparison[]): void {
  const summary = {
    bench,
    date: new Date().toISOString(),
    machine: describeMachine(),
    options,
    targets: comparisons.map((comparison) => ({
      name: comparison.name,
      requests_per_second: round(comparison.requestsPerSecond, 1),
      latency_p50_ms: comparison.latencyP50Ms,
      latency_p99_ms: comparison.latencyP99Ms,
      requests_total: comparison.requestsTotal,
      requests_ratio: round(comparison.requestsRatio, 3),
      p99_ratio: round(comparison.p99Ratio, 3),
    })),
  };
  console.log(`BENCH_RESULT ${JSON.stringify(summary)}`);
}
