import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config/config.js';
import { resolveSecrets } from './config/secrets.js';
import { createContainer, type ContainerOverrides } from './container.js';

/** A listening server and how to stop it. */
export interface RunningServer {
  app: FastifyInstance;
  /** Stops accepting, lets in-flight requests finish, then closes jobs, events and the database. */
  stop(): Promise<void>;
}

/** How long in-flight requests get to finish on shutdown before their connections are cut. */
const shutdownGraceMs = 30_000;

async function closeWithin(app: FastifyInstance, graceMs: number): Promise<void> {
  const deadline = setTimeout(() => {
    app.log.warn({ grace_ms: graceMs }, 'requests still running at the shutdown deadline: closing their connections');
    app.server.closeAllConnections();
  }, graceMs);
  deadline.unref();
  try {
    await app.close();
  } finally {
    clearTimeout(deadline);
  }
}

/** Builds the container and the app and listens on the configured host and port. */
export async function startServer(config: Config, overrides: ContainerOverrides = {}): Promise<RunningServer> {
  const container = await createContainer(config, resolveSecrets(config), overrides);
  const app = await buildApp(container);
  app.addHook('onClose', async () => container.close());
  await app.listen({ port: config.http.port, host: config.http.host });
  let stopping: Promise<void> | undefined;
  return { app, stop: () => (stopping ??= closeWithin(app, shutdownGraceMs)) };
}
