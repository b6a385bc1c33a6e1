import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TokenService } from '../../platform/crypto/jwt.js';
import type { PasswordHasher } from '../../platform/crypto/password.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { IdGenerator } from '../../platform/ids.js';
import { FixedClock } from '../../test-kit/fixed-clock.js';
import type { NewUser, UserRecord, UsersRepository } from './auth.repository.js';
import { AuthService } from './auth.service.js';

/** In memory, the UsersRepository methods AuthService uses, with the same contract. */
class FakeUsers {
  readonly rows = new Map<string, UserRecord>();
  readonly logins: Array<{ id: string; now: Date }> = [];
  readonly roleChanges: Array<{ id: string; role: 'admin' | 'user' }> = [];
  /** Simulates another request inserting the same e-mail between the read and the insert. */
  loseInsertRace = false;

  async findById(id: string): Promise<UserRecord | null> {
    return this.rows.get(id) ?? null;
  }

  async findByEmail(email: string): Promise<UserRecord | null> {
    return [...this.rows.values()].find((row) => row.email.toLowerCase() === email.toLowerCase()) ?? null;
  }

  async insert(user: NewUser): Promise<UserRecord | null> {
    if (this.loseInsertRace || (await this.findByEmail(user.email))) return null;
    const { now, role, ...fields } = user;
    const record: UserRecord = {
      ...fields,
      role: role ?? (this.rows.size === 0 ? 'admin' : 'user'),
      isActive: true,
      createdAt: now,
      updatedAt: now,
      lastLoginAt: null,
    };
    this.rows.set(record.id, record);
    return record;
  }

  async recordLogin(id: string, now: Date): Promise<void> {
    this.logins.push({ id, now });
    Object.assign(this.rows.get(id) ?? {}, { lastLoginAt: now });
  }

  async setRole(id: string, role: 'admin' | 'user', now: Date): Promise<void> {
    this.roleChanges.push({ id, role });
    Object.assign(this.rows.get(id) ?? {}, { role, updatedAt: now });
  }
}

/** A transparent hasher that records its calls. */
class FakeHasher implements PasswordHasher {
  readonly hashed: string[] = [];
  readonly verified: Array<{ hashed: string; password: string }> = [];

  static digest = (password: string) => `fake-hash(${[...password].reverse().join('')})`;

  async hash(password: string): Promise<string> {
    this.hashed.push(password);
    return FakeHasher.digest(password);
  }

  async verify(hashed: string, password: string): Promise<boolean> {
    this.verified.push({ hashed, password });
    return hashed === FakeHasher.digest(password);
  }
}

function sequentialIds(): IdGenerator {
  let next = 0;
  return { uuid: () => `00000000-0000-7000-8000-${String(++next).padStart(12, '0')}` };
}

function setup() {
  const users = new FakeUsers();
  const passwords = new FakeHasher();
  const clock = new FixedClock('2026-03-04T05:06:07.000Z');
  const tokens = new TokenService({
    secret: `secret-${randomUUID()}`,
    issuer: 'tiangong',
    audience: 'tiangong-api',
    ttlSeconds: 3600,
    clock,
  });
  const service = new AuthService({
    users: users as unknown as UsersRepository,
    passwords,
    tokens,
    clock,
    ids: sequentialIds(),
  });
  return { service, users, passwords, clock, tokens };
}

const invalidCredentials = 'AUTH_INVALID_CREDENTIALS';
const email = () => `user-${randomUUID().slice(0, 8)}@example.test`;

async function expectAppError(promise: Promise<unknown>, code: string): Promise<AppError> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  return error as AppError;
}

describe('AuthService.register', () => {
  it('stores a hash, never the password, and answers without either', async () => {
    const { service, users, passwords } = setup();
    const address = email();

    const response = await service.register({ email: address, password: 'plain-password-1', nickname: 'Ada' });

    const stored = users.rows.get(response.id)!;
    expect(passwords.hashed).toEqual(['plain-password-1']);
    expect(stored.passwordHash).toBe('fake-hash(1-drowssap-nialp)');
    expect(JSON.stringify([...users.rows.values()])).not.toContain('plain-password-1');
    expect(JSON.stringify(response)).not.toContain('fake-hash');
    expect(response).toEqual({
      id: '00000000-0000-7000-8000-000000000001',
      email: address,
      nickname: 'Ada',
      role: 'admin',
      is_active: true,
      created_at: '2026-03-04T05:06:07.000Z',
      last_login_at: null,
    });
  });

  it('gives the second account the user role', async () => {
    const { service } = setup();
    await service.register({ email: email(), password: 'password-1', nickname: 'first' });

    const second = await service.register({ email: email(), password: 'password-2', nickname: 'second' });

    expect(second.role).toBe('user');
  });

  it('refuses an e-mail found by the read check with AUTH_EMAIL_TAKEN, before hashing', async () => {
    const { service, users, passwords } = setup();
    const address = email();
    await service.register({ email: address, password: 'password-1', nickname: 'a' });

    const error = await expectAppError(
      service.register({ email: address.toUpperCase(), password: 'password-2', nickname: 'b' }),
      'AUTH_EMAIL_TAKEN',
    );

    expect(error.category).toBe('conflict');
    expect(users.rows.size).toBe(1);
    expect(passwords.hashed).toEqual(['password-1']);
  });

  it('refuses with AUTH_EMAIL_TAKEN when the insert loses a race (returns null)', async () => {
    const { service, users } = setup();
    users.loseInsertRace = true;

    const registration = service.register({ email: email(), password: 'password-1', nickname: 'a' });

    await expectAppError(registration, 'AUTH_EMAIL_TAKEN');
    expect(users.rows.size).toBe(0);
  });
});

describe('AuthService.login', () => {
  it('records the login and issues a token TokenService accepts with the right sub and role', async () => {
    const { service, users, tokens, clock } = setup();
    const address = email();
    await service.register({ email: email(), password: 'admin-password', nickname: 'admin' });
    const user = await service.register({ email: address, password: 'password-1', nickname: 'a' });
    clock.advance(60_000);

    const result = await service.login({ username: address.toUpperCase(), password: 'password-1' });

    expect(result).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 3600 });
    expect(await tokens.verify(result.access_token)).toEqual({ ok: true, claims: { sub: user.id, role: 'user' } });
    expect(users.logins).toEqual([{ id: user.id, now: new Date('2026-03-04T05:07:07.000Z') }]);
    expect((await service.me({ userId: user.id, role: 'user' })).last_login_at).toBe('2026-03-04T05:07:07.000Z');
  });

  it('puts the admin role in an admin token', async () => {
    const { service, tokens } = setup();
    const address = email();
    const admin = await service.register({ email: address, password: 'password-1', nickname: 'a' });

    const result = await service.login({ username: address, password: 'password-1' });

    expect(await tokens.verify(result.access_token)).toEqual({ ok: true, claims: { sub: admin.id, role: 'admin' } });
  });

  it('refuses a wrong password with AUTH_INVALID_CREDENTIALS and records nothing', async () => {
    const { service, users } = setup();
    const address = email();
    await service.register({ email: address, password: 'password-1', nickname: 'a' });

    const error = await expectAppError(service.login({ username: address, password: 'bad' }), invalidCredentials);

    expect(error.category).toBe('unauthorized');
    expect(users.logins).toEqual([]);
  });

  it('refuses an unknown e-mail the same way, still verifying a password against a decoy hash', async () => {
    const { service, users, passwords } = setup();
    const address = email();
    await service.register({ email: address, password: 'password-1', nickname: 'a' });
    const known = service.login({ username: address, password: 'guess' });
    const wrongPassword = await expectAppError(known, invalidCredentials);
    passwords.verified.length = 0;

    const unknown = await expectAppError(service.login({ username: email(), password: 'guess' }), invalidCredentials);

    expect(unknown.message).toBe(wrongPassword.message);
    expect(passwords.verified).toHaveLength(1);
    expect(passwords.verified[0]!.password).toBe('guess');
    expect(passwords.verified[0]!.hashed).toMatch(/^fake-hash\(/);
    expect(users.logins).toEqual([]);
  });

  it('hashes the decoy only once across unknown-e-mail attempts', async () => {
    const { service, passwords } = setup();

    await expectAppError(service.login({ username: email(), password: 'one' }), invalidCredentials);
    await expectAppError(service.login({ username: email(), password: 'two' }), invalidCredentials);

    expect(passwords.hashed).toHaveLength(1);
    expect(passwords.verified.map((call) => call.password)).toEqual(['one', 'two']);
  });

  it('refuses a disabled account with AUTH_ACCOUNT_DISABLED, only after a correct password', async () => {
    const { service, users } = setup();
    const address = email();
    const user = await service.register({ email: address, password: 'password-1', nickname: 'a' });
    users.rows.get(user.id)!.isActive = false;

    const correctPassword = service.login({ username: address, password: 'password-1' });
    const disabled = await expectAppError(correctPassword, 'AUTH_ACCOUNT_DISABLED');
    await expectAppError(service.login({ username: address, password: 'wrong' }), invalidCredentials);

    expect(disabled.category).toBe('forbidden');
    expect(users.logins).toEqual([]);
  });
});

describe('AuthService.me', () => {
  it('returns the caller', async () => {
    const { service } = setup();
    const user = await service.register({ email: email(), password: 'password-1', nickname: 'Ada' });

    expect(await service.me({ userId: user.id, role: user.role })).toEqual(user);
  });

  it('answers AUTH_USER_NOT_FOUND for a user that does not exist', async () => {
    const { service } = setup();

    await expectAppError(service.me({ userId: randomUUID(), role: 'user' }), 'AUTH_USER_NOT_FOUND');
  });

  it('answers AUTH_USER_NOT_FOUND for a disabled user', async () => {
    const { service, users } = setup();
    const user = await service.register({ email: email(), password: 'password-1', nickname: 'a' });
    users.rows.get(user.id)!.isActive = false;

    await expectAppError(service.me({ userId: user.id, role: user.role }), 'AUTH_USER_NOT_FOUND');
  });
});

describe('AuthService.ensureAdmin', () => {
  it('creates a missing admin with a lower-cased e-mail and a hashed password', async () => {
    const { service, users, passwords } = setup();
    await service.register({ email: email(), password: 'password-1', nickname: 'first' });
    const address = `Root-${randomUUID().slice(0, 8)}@Example.test`;

    const outcome = await service.ensureAdmin(address, 'admin-password');

    const created = await users.findByEmail(address);
    expect(outcome).toBe('created');
    expect(created).toMatchObject({ email: address.toLowerCase(), role: 'admin', nickname: address.split('@')[0] });
    expect(created!.passwordHash).toBe(FakeHasher.digest('admin-password'));
    expect(passwords.hashed).toEqual(['password-1', 'admin-password']);
  });

  it('promotes an existing plain user without touching the password hash', async () => {
    const { service, users } = setup();
    await service.register({ email: email(), password: 'password-1', nickname: 'first' });
    const address = email();
    const user = await service.register({ email: address, password: 'own-password', nickname: 'b' });
    const hashBefore = users.rows.get(user.id)!.passwordHash;

    const outcome = await service.ensureAdmin(address.toUpperCase(), 'configured-password');

    expect(outcome).toBe('promoted');
    expect(users.rows.get(user.id)).toMatchObject({ role: 'admin', passwordHash: hashBefore });
    expect(users.roleChanges).toEqual([{ id: user.id, role: 'admin' }]);
    expect(users.rows.size).toBe(2);
  });

  it('leaves an existing admin unchanged, password included', async () => {
    const { service, users } = setup();
    const address = email();
    const admin = await service.register({ email: address, password: 'own-password', nickname: 'a' });
    const hashBefore = users.rows.get(admin.id)!.passwordHash;

    const outcome = await service.ensureAdmin(address, 'configured-password');

    expect(outcome).toBe('unchanged');
    expect(users.rows.get(admin.id)!.passwordHash).toBe(hashBefore);
    expect(users.roleChanges).toEqual([]);
    await expect(service.login({ username: address, password: 'own-password' })).resolves.toBeDefined();
    await expectAppError(service.login({ username: address, password: 'configured-password' }), invalidCredentials);
  });

  it('answers unchanged when another instance created the admin between the read and the insert', async () => {
    const { service, users } = setup();
    users.loseInsertRace = true;

    expect(await service.ensureAdmin(email(), 'admin-password')).toBe('unchanged');
    expect(users.rows.size).toBe(0);
  });
});
