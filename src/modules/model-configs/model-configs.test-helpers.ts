/**
 * What the model-configs test files share: a fresh app and signed-in user for each test, and the
 * calls they make against /api/v1/model-configs, as that user unless another owner is given.
 * Not named *.test.ts, so vitest imports it from those files instead of running it on its own.
 */
import { afterEach, beforeEach } from 'vitest';
import { buildTestApp, type TestApp, type TestAppOptions } from '../../test-kit/build-test-app.js';
import { createModelConfig, createUser, type TestUser } from '../../test-kit/factories.js';
import type { ModelConfigResponse } from './model-configs.schemas.js';

const url = '/api/v1/model-configs';

/** A chat config the provider rules accept once a file adds its own `api_key`. */
export const mainChat = {
  name: 'Main chat',
  provider: 'openai-compatible',
  base_url: 'https://llm.example.test/v1',
  model_name: 'gpt-test',
};

// Exported as live bindings: a test file reads the app and user of the test now running through them.
/** The app of the test now running. */
export let testApp: TestApp;
/** The user the helpers act as by default, signed in to {@link testApp}. */
export let user: TestUser;

/** Builds a new app (with `options`) and a user in it; the previous app is the caller's to close. */
export async function startApp(options: TestAppOptions = {}): Promise<void> {
  testApp = await buildTestApp(options);
  user = await createUser(testApp);
}

/** Registers the hooks that give every test of the calling file its own app and user, closed after it. */
export function useAppPerTest(): void {
  beforeEach(async () => {
    await startApp();
  });
  afterEach(async () => {
    await testApp.close();
  });
}

/** One call to /api/v1/model-configs + `path` as `owner`, with `payload` as the JSON body when given. */
export function request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, owner: TestUser, payload?: object) {
  return testApp.app.inject({ method, url: `${url}${path}`, headers: owner.headers, ...(payload ? { payload } : {}) });
}

/** A `createConfig(overrides, owner)` that creates `defaults` plus `overrides` through the API, for `user` by default. */
export function configCreator(defaults: Record<string, unknown>) {
  return (overrides: Record<string, unknown> = {}, owner: TestUser = user): Promise<ModelConfigResponse> =>
    createModelConfig(testApp, owner, { ...defaults, ...overrides });
}

/** PUT of `payload` on config `id` as `owner`. */
export function update(id: string, payload: object, owner: TestUser = user) {
  return request('PUT', `/${id}`, owner, payload);
}

/** Config `id` as `owner` reads it; throws unless the API answers 200. */
export async function fetchConfig(id: string, owner: TestUser = user): Promise<ModelConfigResponse> {
  const response = await request('GET', `/${id}`, owner);
  if (response.statusCode !== 200) throw new Error(`fetchConfig: expected 200, got ${response.statusCode}: ${response.body}`);
  return response.json();
}
