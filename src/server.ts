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

/** Builds the container and the app and listens on the configured host and port. */
export async function startServer(config: Config, overrides: ContainerOverrides = {}): Promise<RunningServer> {
  const container = await createContainer(config, resolveSecrets(config), overrides);
  const app = await buildApp(container);
  app.addHook('onClose', async () => container.close());
  await app.listen({ port: config.http.port, host: config.http.host });
  let stopping: Promise<void> | undefined;
  return { app, stop: () => (stopping ??= app.close()) };
}
