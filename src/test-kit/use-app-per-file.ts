import { afterAll, beforeAll } from 'vitest';
import { buildTestApp, type TestApp, type TestAppOptions } from './build-test-app.js';

/**
 * Builds one test app for the whole file (before its first test) and closes it after the last,
 * handing it to `ready`. Cheaper than an app per test: tests then make their own users and objects
 * instead of relying on an empty database.
 */
export function useAppPerFile(ready: (testApp: TestApp) => void | Promise<void>, options: TestAppOptions = {}): void {
  let current: TestApp | undefined;
  beforeAll(async () => {
    current = await buildTestApp(options);
    await ready(current);
  });
  afterAll(async () => {
    await current?.close();
  });
}
