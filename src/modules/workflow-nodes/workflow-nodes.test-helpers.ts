/**
 * What the /nodes test files share: a fresh app and signed-in user per test and the run call.
 * Not named *.test.ts, so vitest imports it from those files instead of running it alone.
 */
import type { TestApp, TestAppOptions } from '../../test-kit/build-test-app.js';
import type { TestUser } from '../../test-kit/factories.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';

// Exported as live bindings: a test file reads the app and user of the test now running through them.
/** The app of the test now running. */
export let testApp: TestApp;
/** The user the helpers act as by default. */
export let user: TestUser;

/** Gives every test of the calling file its own app and user, closed after it. */
export function useNodesApp(options: TestAppOptions = {}): void {
  useAppPerTest((app, owner) => {
    testApp = app;
    user = owner;
  }, options);
}

/** POST /api/v1/nodes/run with `payload` as `owner` (null: without a token). */
export function runNode(payload: object, owner: TestUser | null = user) {
  return testApp.app.inject({ method: 'POST', url: '/api/v1/nodes/run', headers: owner ? owner.headers : {}, payload });
}
