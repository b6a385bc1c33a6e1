import { afterEach, beforeEach } from 'vitest';
import { buildTestApp, type TestApp, type TestAppOptions } from './build-test-app.js';
import { createUser, type TestUser } from './factories.js';

/**
 * Builds a fresh test app with one signed-in user before each test and closes it after, handing
 * both to `ready` (which may also arrange more, such as a default model config).
 */
export function useAppPerTest(
  ready: (testApp: TestApp, user: TestUser) => void | Promise<void>,
  options: TestAppOptions = {},
): void {
  let current: TestApp | undefined;
  beforeEach(async () => {
    current = await buildTestApp(options);
    await ready(current, await createUser(current));
  });
  afterEach(async () => {
    await current?.close();
  });
}
