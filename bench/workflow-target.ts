/**
 * The Tiangong instances bench:workflow measures: the real container and app, listening on
 * loopback, on the embedded PGlite in a temporary directory (as a server with DATA_DIR keeps it)
 * or on a fresh `tiangong_bench_<random>` database of a PostgreSQL server. The bench's no-op node
 * types are registered in the container's node types, so workflows of them validate and run like any.
 * Everything is removed at the end: the directory deleted, the database dropped.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { resolveSecrets } from '../src/config/secrets.js';
import { createContainer, type Container } from '../src/container.js';
import type { WorkflowGraph } from '../src/engine/workflow/definition.js';
import type { Actor } from '../src/platform/http/authenticate.js';
import { BenchFailure, benchEnvironment, listenOnLoopback, type LocalServer } from './bench-kit.js';
import { adminQuery } from './kb-target.js';
import { effectNode, noopNode } from './workflow-graphs.js';

/** The databases a run may measure. */
export type WorkflowTargetName = 'pglite' | 'postgres';

/** A running Tiangong with a signed-in user, and how to remove it. */
export interface WorkflowTarget {
  readonly name: WorkflowTargetName;
  /** Where its data lives (a directory, or a server and database name), for the output. */
  readonly location: string;
  readonly container: Container;
  readonly server: LocalServer;
  readonly actor: Actor;
  /** Headers of an authenticated JSON request. */
  readonly headers: Readonly<Record<string, string>>;
  /** Stops the app and the container, then deletes the directory or drops the database; safe to call twice. */
  dispose(): Promise<void>;
}

/** As bench-kit's startTiangong, but the container stays in reach (its services and database). */
async function startWithContainer(environment: NodeJS.ProcessEnv) {
  const config = loadConfig(environment, process.env.npm_package_version ?? '0.0.0');
  const container = await createContainer(config, resolveSecrets(config));
  try {
    container.services.nodeTypes.register(noopNode).register(effectNode);
    const credentials = { email: `wf-bench-${randomBytes(4).toString('hex')}@example.com`, password: 'bench-password-1234' };
    const user = await container.services.auth.register({ ...credentials, nickname: 'Bench' });
    const { access_token: token } = await container.services.auth.login({ username: credentials.email, password: credentials.password });
    const app = await buildApp(container);
    // As in server.ts: closing the app closes the container (jobs, events, then the database).
    app.addHook('onClose', async () => container.close());
    const server = await listenOnLoopback(app);
    const actor: Actor = { userId: user.id, role: 'user' };
    return { container, server, actor, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } };
  } catch (error) {
    await container.close();
    throw error;
  }
}

/** Runs `cleanup` once, however often it is called (a signal handler and a finally may both call it). */
function once(cleanup: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= cleanup());
}

/**
 * Opens one target. `extra` goes into the app's environment (WORKFLOW_QUEUE_CONCURRENCY, say);
 * everything else is bench-kit's isolated environment, so the shell's variables cannot leak in.
 */
export async function openWorkflowTarget(
  name: WorkflowTargetName,
  options: { postgresUrl: string; extra?: NodeJS.ProcessEnv },
): Promise<WorkflowTarget> {
  const directory = await mkdtemp(join(tmpdir(), 'tiangong-bench-workflow-'));
  let databaseName: string | null = null;
  let server: LocalServer | undefined;
  const dispose = once(async () => {
    await server?.close().catch((error: unknown) => console.error(error));
    if (databaseName) await adminQuery(options.postgresUrl, `drop database if exists ${databaseName} with (force)`).catch((error: unknown) => console.error(error));
    await rm(directory, { recursive: true, force: true });
  });
  try {
    const environment: NodeJS.ProcessEnv = { DATA_DIR: directory, ...options.extra };
    let location = directory;
    if (name === 'postgres') {
      databaseName = `tiangong_bench_${randomBytes(6).toString('hex')}`;
      await adminQuery(options.postgresUrl, `create database ${databaseName}`);
      const url = new URL(options.postgresUrl);
      url.pathname = `/${databaseName}`;
      environment.DATABASE_URL = url.toString();
      location = `${url.host}/${databaseName}`;
    }
    const started = await startWithContainer(benchEnvironment(environment));
    server = started.server;
    return { name, location, ...started, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** Creates a workflow over HTTP, as a user would, and answers its id; a refusal fails the bench. */
export async function createWorkflow(target: WorkflowTarget, name: string, graph: WorkflowGraph): Promise<string> {
  const response = await fetch(`${target.server.url}/api/v1/workflows`, {
    method: 'POST',
    headers: target.headers,
    body: JSON.stringify({ name, graph }),
  });
  const body = (await response.json()) as { id?: string };
  if (response.status !== 201 || !body.id) throw new BenchFailure(`creating workflow ${name}: ${response.status} ${JSON.stringify(body)}`);
  return body.id;
}
