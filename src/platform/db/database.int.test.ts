import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UsersRepository } from '../../modules/auth/auth.repository.js';
import { serviceAvailable, serviceUrl } from '../../test-kit/services.js';
import { openPglite, openPostgres, type DatabaseHandle } from './database.js';
import { applyMigrations, migrationsFolder } from './migrate.js';
import { users } from './schema/index.js';

const migrationCount = (
  JSON.parse(readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }
).entries.length;

function newUser(overrides: { email?: string; role?: 'admin' | 'user' } = {}) {
  const email = overrides.email ?? `user-${randomUUID().slice(0, 8)}@example.test`;
  return {
    id: randomUUID(),
    email,
    passwordHash: `hash-${randomUUID()}`,
    nickname: email.split('@')[0]!,
    now: new Date('2026-01-01T00:00:00.000Z'),
    ...(overrides.role ? { role: overrides.role } : {}),
  };
}

async function rows<T>(handle: DatabaseHandle, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await handle.db.execute(query)) as unknown as { rows: T[] }).rows;
}

async function appliedMigrations(handle: DatabaseHandle): Promise<number> {
  const query = sql`select count(*) as count from drizzle.__drizzle_migrations`;
  const result = await rows<{ count: number | string }>(handle, query);
  return Number(result[0]!.count);
}

describe('PGlite', () => {
  let dataDirectory: string;
  let handle: DatabaseHandle | undefined;

  beforeEach(() => {
    dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'tiangong-pglite-'));
  });
  afterEach(async () => {
    await handle?.close();
    handle = undefined;
    rmSync(dataDirectory, { recursive: true, force: true });
  });

  it('keeps the data in its directory across a close and a reopen, migrating idempotently', async () => {
    handle = await openPglite(dataDirectory);
    await applyMigrations(handle);
    const inserted = await new UsersRepository(handle.db).insert(newUser());
    await handle.close();
    handle = undefined;

    handle = await openPglite(dataDirectory);
    await applyMigrations(handle);
    const found = await new UsersRepository(handle.db).findById(inserted!.id);

    expect(handle.kind).toBe('pglite');
    expect(found).toEqual(inserted);
    expect(found!.role).toBe('admin');
    expect(await handle.db.$count(users)).toBe(1);
    expect(await appliedMigrations(handle)).toBe(migrationCount);
  });

  it('has pgvector after migrating, and a vector(3) column answers cosine-distance queries', async () => {
    handle = await openPglite('memory://');
    expect(handle.vectorAvailable).toBe(false);

    await applyMigrations(handle);
    await handle.db.execute(sql`create temporary table embeddings (label text primary key, embedding vector(3))`);
    await handle.db.execute(
      sql`insert into embeddings values
        ('x', '[1,0,0]'), ('y', '[0,1,0]'), ('near-x', '[0.9,0.1,0]'), ('minus-x', '[-1,0,0]')`,
    );
    const nearest = await rows<{ label: string; distance: number }>(
      handle,
      sql`select label, embedding <=> '[1,0,0]' as distance from embeddings order by distance`,
    );

    expect(handle.vectorAvailable).toBe(true);
    expect(nearest.map((row) => row.label)).toEqual(['x', 'near-x', 'y', 'minus-x']);
    expect(nearest[0]!.distance).toBeCloseTo(0);
    expect(nearest[2]!.distance).toBeCloseTo(1);
    expect(nearest[3]!.distance).toBeCloseTo(2);
  });

  it('rejects a vector of the wrong dimension', async () => {
    handle = await openPglite();
    await applyMigrations(handle);
    await handle.db.execute(sql`create temporary table embeddings (embedding vector(3))`);

    await expect(handle.db.execute(sql`insert into embeddings values ('[1,2]')`)).rejects.toThrow();
  });
});

const hasPostgres = await serviceAvailable('postgres', 'database.postgres');

describe.runIf(hasPostgres)('PostgreSQL', () => {
  const databaseName = `tiangong_test_${randomBytes(6).toString('hex')}`;
  let databaseUrl: string;
  let handle: DatabaseHandle | undefined;

  async function administer(statement: string): Promise<void> {
    const client = new pg.Client({ connectionString: serviceUrl('postgres') });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  }

  async function open(): Promise<DatabaseHandle> {
    handle = await openPostgres({ databaseUrl, poolSize: 5 });
    return handle;
  }

  beforeAll(async () => {
    await administer(`create database ${databaseName}`);
    const url = new URL(serviceUrl('postgres'));
    url.pathname = `/${databaseName}`;
    databaseUrl = url.toString();
    await applyMigrations(await open());
  });
  afterAll(async () => {
    await handle?.close();
    await administer(`drop database if exists ${databaseName} with (force)`);
  });

  it('migrates idempotently: a second run applies nothing and keeps the rows', async () => {
    const current = handle!;
    const repository = new UsersRepository(current.db);
    const user = await repository.insert(newUser());

    await applyMigrations(current);

    expect(current.kind).toBe('postgres');
    expect(await appliedMigrations(current)).toBe(migrationCount);
    expect(await repository.findById(user!.id)).toEqual(user);
  });

  it('reports no pgvector on a server without it, with the users table still migrated', async () => {
    const current = handle!;
    const available = await rows<{ name: string }>(
      current,
      sql`select name from pg_available_extensions where name = 'vector'`,
    );

    expect(available).toEqual([]);
    expect(current.vectorAvailable).toBe(false);
    const usersTable = sql`select to_regclass('public.users')::text as table`;
    const tables = await rows<{ table: string | null }>(current, usersTable);
    expect(tables[0]!.table).toBe('users');
  });

  it('makes exactly one admin when ten first registrations race on a pool', async () => {
    const current = handle!;
    await current.db.delete(users);
    const repository = new UsersRepository(current.db);

    const inserted = await Promise.all(Array.from({ length: 10 }, () => repository.insert(newUser())));

    expect(inserted.every((user) => user !== null)).toBe(true);
    expect(inserted.filter((user) => user!.role === 'admin')).toHaveLength(1);
    const stored = await current.db.select({ role: users.role }).from(users);
    expect(stored.map((row) => row.role).sort()).toEqual(['admin', ...Array<string>(9).fill('user')]);
  });

  it('resolves to null for an e-mail taken in another letter case, and stores nothing', async () => {
    const current = handle!;
    const repository = new UsersRepository(current.db);
    const email = `Case-${randomUUID().slice(0, 8)}@example.test`;
    const first = await repository.insert(newUser({ email }));
    const before = await current.db.$count(users);

    const duplicate = await repository.insert(newUser({ email: email.toUpperCase() }));
    const lowered = await repository.insert(newUser({ email: email.toLowerCase(), role: 'admin' }));

    expect(first).not.toBeNull();
    expect(duplicate).toBeNull();
    expect(lowered).toBeNull();
    expect(await current.db.$count(users)).toBe(before);
    expect((await repository.findByEmail(email.toLowerCase()))!.id).toBe(first!.id);
  });

  it('rethrows errors that are not unique violations', async () => {
    const repository = new UsersRepository(handle!.db);

    await expect(repository.insert({ ...newUser(), id: 'not-a-uuid' })).rejects.toThrow();
  });

  it('keeps the data when the pool is closed and reopened', async () => {
    const user = await new UsersRepository(handle!.db).insert(newUser());
    await handle!.close();
    handle = undefined;

    const reopened = await open();
    await applyMigrations(reopened);

    expect(await new UsersRepository(reopened.db).findById(user!.id)).toEqual(user);
  });
});
