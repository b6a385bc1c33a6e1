import type { Clock } from '../../platform/clock.js';
import type { TokenService } from '../../platform/crypto/jwt.js';
import type { PasswordHasher } from '../../platform/crypto/password.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { IdGenerator } from '../../platform/ids.js';
import { accountDisabled, emailTaken, invalidCredentials, userGone } from './auth.errors.js';
import type { UserRecord, UsersRepository } from './auth.repository.js';
import type { LoginInput, RegisterInput, UserResponse } from './auth.schemas.js';

export interface AuthServiceDeps {
  users: UsersRepository;
  passwords: PasswordHasher;
  tokens: TokenService;
  clock: Clock;
  ids: IdGenerator;
}

/** What a successful login returns. */
export interface LoginResult {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
}

function toResponse(user: UserRecord): UserResponse {
  return {
    id: user.id,
    email: user.email,
    nickname: user.nickname,
    role: user.role,
    is_active: user.isActive,
    created_at: user.createdAt.toISOString(),
    last_login_at: user.lastLoginAt?.toISOString() ?? null,
  };
}

/** Registration, login and the current user. */
export class AuthService {
  /** Compared against when the e-mail is unknown, so a miss costs as long as a wrong password. */
  private decoyHash: Promise<string> | undefined;

  constructor(private readonly deps: AuthServiceDeps) {}

  /** Creates an account; the installation's first account becomes admin. */
  async register(input: RegisterInput): Promise<UserResponse> {
    const { users, passwords, clock, ids } = this.deps;
    if (await users.findByEmail(input.email)) throw emailTaken();
    const user = await users.insert({
      id: ids.uuid(),
      email: input.email,
      passwordHash: await passwords.hash(input.password),
      nickname: input.nickname,
      now: clock.now(),
    });
    if (!user) throw emailTaken();
    return toResponse(user);
  }

  /** Checks the password and issues an access token. */
  async login(input: LoginInput): Promise<LoginResult> {
    const { users, passwords, tokens, clock } = this.deps;
    const user = await users.findByEmail(input.username);
    if (!user) {
      this.decoyHash ??= passwords.hash('decoy-password-for-timing');
      await passwords.verify(await this.decoyHash, input.password);
      throw invalidCredentials();
    }
    if (!(await passwords.verify(user.passwordHash, input.password))) throw invalidCredentials();
    if (!user.isActive) throw accountDisabled();
    await users.recordLogin(user.id, clock.now());
    const { token, expiresIn } = await tokens.issue({ sub: user.id, role: user.role });
    return { access_token: token, token_type: 'bearer', expires_in: expiresIn };
  }

  /** The caller's own account. */
  async me(actor: Actor): Promise<UserResponse> {
    const user = await this.deps.users.findById(actor.userId);
    if (!user || !user.isActive) throw userGone();
    return toResponse(user);
  }

  /**
   * Makes sure the configured administrator exists (ADMIN_EMAIL / ADMIN_PASSWORD): created when
   * missing, promoted when present as a plain user. An existing password is never overwritten.
   */
  async ensureAdmin(email: string, password: string): Promise<'created' | 'promoted' | 'unchanged'> {
    const { users, passwords, clock, ids } = this.deps;
    const existing = await users.findByEmail(email);
    if (existing) {
      if (existing.role === 'admin') return 'unchanged';
      await users.setRole(existing.id, 'admin', clock.now());
      return 'promoted';
    }
    const created = await users.insert({
      id: ids.uuid(),
      email: email.toLowerCase(),
      passwordHash: await passwords.hash(password),
      nickname: email.split('@')[0] ?? 'admin',
      now: clock.now(),
      role: 'admin',
    });
    // Another instance created it between the read and the insert: that one counts.
    return created ? 'created' : 'unchanged';
  }
}
