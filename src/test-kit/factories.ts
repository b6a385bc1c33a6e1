import { randomUUID } from 'node:crypto';
import type { TestApp } from './build-test-app.js';
import { UsersRepository } from '../modules/auth/auth.repository.js';

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
