/**
 * bench:workflow, webhooks: a burst of async webhook calls (`POST /api/v1/webhooks/{id}`, header
 * X-Webhook-Secret) on a two-node workflow (start -> end, both built-in) against the real app
 * listening on loopback. autocannon sends exactly `calls` requests over `connections` connections;
 * each answers 202 with a pending execution that the job queue runs (WORKFLOW_QUEUE_CONCURRENCY at
 * once). Two rates come out: calls accepted per second (until the last 202), and executions
 * completed per second (until the last execution ended, read from the database, every one of
 * which must have succeeded). The baselines are GET /health and the authenticated GET
 * /api/v1/auth/me, loaded the same way in the same run.
 */
import autocannon from 'autocannon';
import { and, eq, gte, sql } from 'drizzle-orm';
import { runs, workflowExecutions } from '../src/platform/db/schema/index.js';
import { BenchFailure } from './bench-kit.js';
import { twoNodeGraph } from './workflow-graphs.js';
import { createWorkflow, type WorkflowTarget } from './workflow-target.js';

/** One autocannon burst: its rate and the latency percentiles of its (all 2xx) answers. */
export interface Burst {
  readonly requests: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly latencyMaxMs: number;
}

/** What the webhook part measured on one target. */
export interface WebhookReport {
  readonly target: string;
  readonly calls: number;
  readonly connections: number;
  readonly queueConcurrency: number;
  readonly health: Burst;
  readonly authMe: Burst;
  readonly accepted: Burst;
  /** Executions completed per second: calls ÷ (last execution's end − first call). */
  readonly completedPerSecond: number;
  readonly completedSeconds: number;
}

interface Request {
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/**
 * Sends exactly `amount` requests over `connections` connections; anything but a 2xx fails the
 * bench. The time runs to the last response: autocannon itself ends a run of `amount` requests
 * on its next whole-second tick, so its own duration would round every burst up to a second.
 */
async function burst(request: Request, amount: number, connections: number): Promise<Burst> {
  const startedAt = performance.now();
  let lastResponseAt = startedAt;
  // A generous timeout: a call slower than this is a failure of the run, not a figure.
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const options = { ...request, amount, connections, timeout: 30, headers: { ...request.headers } };
    const instance = autocannon(options, (error: unknown, finished) => (error ? reject(error) : resolve(finished)));
    instance.on('response', () => void (lastResponseAt = performance.now()));
  });
  const seconds = (lastResponseAt - startedAt) / 1000;
  if (result.errors > 0 || result.non2xx > 0 || result['2xx'] !== amount) {
    throw new BenchFailure(`${request.method ?? 'GET'} ${request.url}: ${result['2xx']} of ${amount} answered 2xx (${result.non2xx} other, ${result.errors} errors, ${result.timeouts} timeouts)`);
  }
  return { requests: amount, seconds, perSecond: amount / seconds, latencyP50Ms: result.latency.p50, latencyP99Ms: result.latency.p99, latencyMaxMs: result.latency.max };
}

/** Statuses of the workflow's executions created since `since`, and when the last one ended. */
async function executionsSince(target: WorkflowTarget, workflowId: string, since: Date) {
  const rows = await target.container.database.db
    .select({ status: runs.status, count: sql<number>`count(*)::int`, lastEnd: sql<string | null>`max(${runs.finishedAt})` })
    .from(workflowExecutions)
    .innerJoin(runs, eq(runs.id, workflowExecutions.runId))
    .where(and(eq(workflowExecutions.workflowId, workflowId), gte(workflowExecutions.createdAt, since)))
    .groupBy(runs.status);
  return rows.map((row) => ({ status: row.status, count: Number(row.count), lastEnd: row.lastEnd ? new Date(row.lastEnd) : null }));
}

/**
 * Waits until `expected` executions created since `since` have ended (polling the database every
 * 20 ms, for at most `timeoutMs`); every one must have succeeded. Answers when the last one ended.
 */
async function waitForExecutions(target: WorkflowTarget, workflowId: string, since: Date, expected: number, timeoutMs: number): Promise<Date> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const rows = await executionsSince(target, workflowId, since);
    const total = rows.reduce((sum, row) => sum + row.count, 0);
    const open = rows.filter((row) => row.status === 'pending' || row.status === 'running').reduce((sum, row) => sum + row.count, 0);
    if (total >= expected && open === 0) {
      const failed = rows.filter((row) => row.status !== 'succeeded');
      if (total !== expected || failed.length > 0) throw new BenchFailure(`[${target.name}] webhook executions: expected ${expected} succeeded, got ${JSON.stringify(rows)}`);
      return rows[0]!.lastEnd!;
    }
    if (performance.now() > deadline) throw new BenchFailure(`[${target.name}] webhook executions: ${total - open} of ${expected} ended after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function webhookSecret(target: WorkflowTarget, workflowId: string): Promise<string> {
  const response = await fetch(`${target.server.url}/api/v1/workflows/${workflowId}/webhook-secret`, { headers: target.headers });
  const body = (await response.json()) as { secret?: string };
  if (response.status !== 200 || !body.secret) throw new BenchFailure(`webhook secret: ${response.status} ${JSON.stringify(body)}`);
  return body.secret;
}

/**
 * The baselines, then `warmup` uncounted webhook calls (and their executions), then the measured
 * burst of `calls`. Every burst has the same connections; the baselines send as many requests.
 */
export async function measureWebhooks(
  target: WorkflowTarget,
  options: { calls: number; connections: number; warmup: number; queueConcurrency: number; timeoutMs: number },
): Promise<WebhookReport> {
  const { calls, connections } = options;
  const base = target.server.url;
  const authMe: Request = { url: `${base}/api/v1/auth/me`, headers: { authorization: target.headers.authorization! } };
  const health: Request = { url: `${base}/health` };
  await burst(health, Math.max(100, options.warmup), connections);
  const healthBurst = await burst(health, calls, connections);
  await burst(authMe, Math.max(100, options.warmup), connections);
  const authMeBurst = await burst(authMe, calls, connections);

  const workflowId = await createWorkflow(target, 'bench webhook two nodes', twoNodeGraph());
  const secret = await webhookSecret(target, workflowId);
  const call: Request = {
    url: `${base}/api/v1/webhooks/${workflowId}?mode=async`,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-webhook-secret': secret },
    body: '{}',
  };
  if (options.warmup > 0) {
    const warmupSince = new Date();
    await burst(call, options.warmup, connections);
    await waitForExecutions(target, workflowId, warmupSince, options.warmup, options.timeoutMs);
  }
  // Execution rows carry the clock's time in whole milliseconds: `since` must not be later than the first.
  const since = new Date(Date.now() - 1);
  const accepted = await burst(call, calls, connections);
  const lastEnd = await waitForExecutions(target, workflowId, since, calls, options.timeoutMs);
  const completedSeconds = Math.max(accepted.seconds, (lastEnd.getTime() - since.getTime()) / 1000);
  return {
    target: target.name,
    calls,
    connections,
    queueConcurrency: options.queueConcurrency,
    health: healthBurst,
    authMe: authMeBurst,
    accepted,
    completedPerSecond: calls / completedSeconds,
    completedSeconds,
  };
}
