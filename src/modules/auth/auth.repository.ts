import { asc, eq, sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import { users } from '../../platform/db/schema/index.js';

/** A stored user, as the repository returns it. */
export type UserRecord = typeof users.$inferSelect;

export interface NewUser {
  id: string;
  email: string;
  passwordHash: string;
  nickname: string;
  now: Date;
  /** Role to give; when omitted the first user of the installation becomes admin, others user. */
  role?: 'admin' | 'user';
}

/** An arbitrary constant key for the advisory lock that serialises "is this the first user?". */
const firstUserLockKey = 74_211_001;

/** Users: lookups by id and e-mail, insert with the first-user-is-admin rule, login bookkeeping. */
export class UsersRepository {
  constructor(private readonly db: Database) {}

  async findById(id: string): Promise<UserRecord | null> {
    const rows = await this.db.select().from(users).where(eq(users.id, id)).limit(1);
    return rows[0] ?? null;
  }

  async findByEmail(email: string): Promise<UserRecord | null> {
    const rows = await this.db
      .select()
      .from(users)
      .where(sql`lower(${users.email}) = ${email.toLowerCase()}`)
      .limit(1);
    return rows[0] ?? null;
  }

  /** The administrator who has been here longest (the installation's owner), or null. */
  async findEarliestAdmin(): Promise<UserRecord | null> {
    const rows = await this.db.select().from(users).where(eq(users.role, 'admin')).orderBy(asc(users.createdAt), asc(users.id)).limit(1);
    return rows[0] ?? null;
  }

  /** Inserts the user; resolves to null when the e-mail is taken (the unique index decides, not a racy read). */
  async insert(user: NewUser): Promise<UserRecord | null> {
    try {
      return await this.db.transaction(async (transaction) => {
        // Two first registrations at once must not both become admin.
        await transaction.execute(sql`select pg_advisory_xact_lock(${firstUserLockKey})`);
        const role = user.role ?? ((await transaction.$count(users)) === 0 ? 'admin' : 'user');
        const rows = await transaction
          .insert(users)
          .values({
            id: user.id,
            email: user.email,
            passwordHash: user.passwordHash,
            nickname: user.nickname,
            role,
            createdAt: user.now,
            updatedAt: user.now,
          })
          .returning();
        return rows[0]!;
      });
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  async recordLogin(id: string, now: Date): Promise<void> {
    await this.db.update(users).set({ lastLoginAt: now }).where(eq(users.id, id));
  }

  async setRole(id: string, role: 'admin' | 'user', now: Date): Promise<void> {
    await this.db.update(users).set({ role, updatedAt: now }).where(eq(users.id, id));
  }
}
