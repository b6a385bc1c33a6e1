import { randomUUID } from 'node:crypto';
import type { TestApp } from './build-test-app.js';
import { UsersRepository } from '../modules/auth/auth.repository.js';
import type { AgentResponse } from '../modules/agents/agents.schemas.js';
import type { ModelConfigResponse } from '../modules/model-configs/model-configs.schemas.js';

/** A user made for a test, with a valid token and ready-made headers. */
export interface TestUser {
  id: string;
  email: string;
  password: string;
  role: 'admin' | 'user';
  token: string;
  headers: { authorization: string };
}

/** A unique e-mail for a test user. */
export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@example.test`;
}

/** Inserts a user directly (role as asked, not by the first-user rule) and signs a token for it. */
export async function createUser(
  testApp: TestApp,
  overrides: { email?: string; password?: string; role?: 'admin' | 'user'; nickname?: string } = {},
): Promise<TestUser> {
  const { container } = testApp;
  const email = overrides.email ?? uniqueEmail();
  const password = overrides.password ?? `pw-${randomUUID()}`;
  const role = overrides.role ?? 'user';
  const repository = new UsersRepository(container.database.db);
  const user = await repository.insert({
    id: container.ids.uuid(),
    email,
    passwordHash: await container.passwords.hash(password),
    nickname: overrides.nickname ?? email.split('@')[0]!,
    now: container.clock.now(),
    role,
  });
  if (!user) throw new Error(`createUser: ${email} already exists`);
  const { token } = await container.tokens.issue({ sub: user.id, role });
  return { id: user.id, email, password, role, token, headers: { authorization: `Bearer ${token}` } };
}

/**
 * Creates a model config of `owner` through `POST /api/v1/model-configs` (an openai-compatible
 * `test-chat-model` unless `overrides` say otherwise; give it a `base_url`) and returns it as the API shows it.
 */
export async function createModelConfig(
  testApp: TestApp,
  owner: TestUser,
  overrides: Record<string, unknown> = {},
): Promise<ModelConfigResponse> {
  const response = await testApp.app.inject({
    method: 'POST',
    url: '/api/v1/model-configs',
    headers: owner.headers,
    payload: { name: 'Test model', provider: 'openai-compatible', model_name: 'test-chat-model', ...overrides },
  });
  // A plain throw keeps the factories free of vitest; the body carries the API's reason for refusing.
  if (response.statusCode !== 201) {
    throw new Error(`createModelConfig: expected 201, got ${response.statusCode}: ${response.body}`);
  }
  return response.json();
}

/**
 * Creates an agent of `owner` through `POST /api/v1/agents` (named "Test agent", every other field
 * at its default unless `overrides` say otherwise) and returns it as the API shows it.
 */
export async function createAgent(
  testApp: TestApp,
  owner: TestUser,
  overrides: Record<string, unknown> = {},
): Promise<AgentResponse> {
  const response = await testApp.app.inject({
    method: 'POST',
    url: '/api/v1/agents',
    headers: owner.headers,
    payload: { name: 'Test agent', ...overrides },
  });
  if (response.statusCode !== 201) {
    throw new Error(`createAgent: expected 201, got ${response.statusCode}: ${response.body}`);
  }
  return response.json();
}
