import { afterAll, beforeAll, beforeEach } from 'vitest';
import { ModelServer, type ModelServerOptions } from './model-server/index.js';

/**
 * One scripted model server for the calling test file: listening before its first test, emptied
 * of scripts and recorded requests before each test, closed after the last one.
 */
export function useModelServer(options: ModelServerOptions = {}): ModelServer {
  // Built now but started in a hook, so the file can keep it in a const and a failed start fails as a hook.
  const server = new ModelServer(options);
  beforeAll(async () => {
    await server.listen();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.reset();
  });
  return server;
}
