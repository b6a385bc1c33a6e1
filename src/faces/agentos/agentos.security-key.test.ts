import { describe, expect, it } from 'vitest';
import type { UsersRepository } from '../../modules/auth/auth.repository.js';
import { stripAgentOsTrailingSlash } from './agentos.paths.js';
import { SecurityKeyAuthenticator } from './agentos.security-key.js';

const owner = { id: '0195f000-0000-7000-8000-000000000001', role: 'admin' as const };
const named = { id: '0195f000-0000-7000-8000-000000000002', role: 'user' as const };

/** A users repository that knows two people: the earliest admin and one named by e-mail. */
function users(): UsersRepository {
  return {
    findEarliestAdmin: async () => owner,
    findByEmail: async (email: string) => (email === 'named@example.test' ? named : null),
  } as unknown as UsersRepository;
}

describe('SecurityKeyAuthenticator', () => {
  it('acts as the earliest admin for the right key, and as nobody for another token', async () => {
    const key = new SecurityKeyAuthenticator({ key: 's3cret', userEmail: undefined, users: users() });

    expect(key.configured).toBe(true);
    expect(await key.actorFor('s3cret')).toEqual({ userId: owner.id, role: 'admin' });
    expect(await key.actorFor('s3cre')).toBeNull();
    expect(await key.actorFor('s3cret ')).toBeNull();
  });

  it('acts as OS_SECURITY_USER when set, and refuses when that user does not exist', async () => {
    const key = new SecurityKeyAuthenticator({ key: 'k', userEmail: 'named@example.test', users: users() });
    const orphan = new SecurityKeyAuthenticator({ key: 'k', userEmail: 'gone@example.test', users: users() });

    expect(await key.actorFor('k')).toEqual({ userId: named.id, role: 'user' });
    expect(await orphan.actorFor('k')).toBeNull();
  });

  it('matches nothing without a key configured', async () => {
    const key = new SecurityKeyAuthenticator({ key: undefined, userEmail: undefined, users: users() });

    expect(key.configured).toBe(false);
    expect(await key.actorFor('')).toBeNull();
    expect(await key.actorFor('anything')).toBeNull();
  });
});

describe('stripAgentOsTrailingSlash', () => {
  it.each([
    ['/agents/', '/agents'],
    ['/agents/a1/runs/?x=1', '/agents/a1/runs?x=1'],
    ['/sessions//', '/sessions'],
    ['/', '/'],
    ['/api/v1/agents/', '/api/v1/agents/'],
    ['/docs/', '/docs/'],
  ])('%s -> %s', (url, expected) => {
    expect(stripAgentOsTrailingSlash(url)).toBe(expected);
  });
});
