import { createHash, timingSafeEqual } from 'node:crypto';
import type { UsersRepository } from '../../modules/auth/auth.repository.js';
import type { Actor } from '../../platform/http/authenticate.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * `OS_SECURITY_KEY`: the shared bearer key AgentOS clients (Agent UI, Agno's Python client) send.
 * It acts as one Tiangong user: the one named by `OS_SECURITY_USER` (an e-mail), else the
 * earliest administrator (the installation's owner). Without a key configured it matches nothing,
 * and the face takes platform JWTs only.
 */
export class SecurityKeyAuthenticator {
  private readonly keyDigest: Buffer | null;

  constructor(private readonly deps: { key: string | undefined; userEmail: string | undefined; users: UsersRepository }) {
    this.keyDigest = deps.key ? digest(deps.key) : null;
  }

  /** True when a key is configured (AgentOS' `auth_mode` is then `security_key`). */
  get configured(): boolean {
    return this.keyDigest !== null;
  }

  /** The actor the key stands for when `token` is the key; null otherwise (or when its user does not exist). */
  readonly actorFor = async (token: string): Promise<Actor | null> => {
    // Comparing digests keeps the comparison constant-time whatever the lengths.
    if (!this.keyDigest || !timingSafeEqual(digest(token), this.keyDigest)) return null;
    const { users, userEmail } = this.deps;
    const user = userEmail ? await users.findByEmail(userEmail) : await users.findEarliestAdmin();
    return user ? { userId: user.id, role: user.role } : null;
  };
}
