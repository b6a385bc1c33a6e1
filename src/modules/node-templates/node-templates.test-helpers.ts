/**
 * What the node-templates test files share: a fresh app and signed-in user per test, an example
 * template, and calls against /api/v1/node-templates. Not named *.test.ts, so vitest imports it
 * from those files instead of running it alone.
 */
import type { TestApp } from '../../test-kit/build-test-app.js';
import type { TestUser } from '../../test-kit/factories.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';
import type { NodeTemplateResponse } from './node-templates.schemas.js';

/** Where the node templates routes start. */
export const templatesUrl = '/api/v1/node-templates';

/** A UUID no template has. */
export const missingId = '0190a000-0000-7000-8000-00000000cafe';

/** The example create body: an HTTP node whose URL is a reference, checked only when it runs. */
export const exampleTemplate = {
  name: 'Weather lookup',
  description: 'GET the weather of a city',
  node_type: 'http',
  config: { method: 'GET', url: '{{start.input.weather_url}}', headers: { accept: 'application/json' }, expect_json: true },
  error_policy: { retries: 2, backoff_ms: 500, on_error: 'fail', default_output: {} },
  category: 'http',
  tags: ['weather', 'json'],
};

// Exported as live bindings: a test file reads the app and user of the test now running through them.
/** The app of the test now running. */
export let testApp: TestApp;
/** The user the helpers act as by default. */
export let user: TestUser;

/** Gives every test of the calling file its own app and user, closed after it. */
export function useNodeTemplatesApp(): void {
  useAppPerTest((app, owner) => {
    testApp = app;
    user = owner;
  });
}

/** One call to /api/v1/node-templates + `path` as `owner` (null: without a token). */
export function request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, owner: TestUser | null = user, payload?: object) {
  return testApp.app.inject({
    method,
    url: `${templatesUrl}${path}`,
    headers: owner ? owner.headers : {},
    ...(payload ? { payload } : {}),
  });
}

/** Creates `exampleTemplate` plus `overrides` as `owner`; throws unless it answers 201. */
export async function createTemplate(overrides: Record<string, unknown> = {}, owner: TestUser = user): Promise<NodeTemplateResponse> {
  const response = await request('POST', '', owner, { ...exampleTemplate, ...overrides });
  if (response.statusCode !== 201) throw new Error(`createTemplate: expected 201, got ${response.statusCode}: ${response.body}`);
  return response.json();
}
