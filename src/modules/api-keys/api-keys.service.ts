import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock.js';
import { validationError } from '../../platform/errors/app-error.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { IdGenerator } from '../../platform/ids.js';
import { pageOf, pageWindow, type PageQuery } from '../../platform/pagination.js';
import { apiKeyNotFound } from './api-keys.errors.js';
import type { ApiKeyRecord, ApiKeysRepository } from './api-keys.repository.js';
import type { ApiKeyResponse, CreateApiKeyInput, CreatedApiKey } from './api-keys.schemas.js';

/** Every key starts with this, so people (and secret scanners) can recognise one. */
export const apiKeyPrefix = 'tg-';

/** What a valid key grants: its owner, acting through it, and the agents it may use (null: all). */
export interface ApiKeyGrant {
  keyId: string;
  actor: Actor;
  agentIds: readonly string[] | null;
}

/** A use is recorded at most this often per key. */
const touchIntervalMs = 60_000;

/** Hex SHA-256: enough for a 256-bit random secret, and a plain indexed lookup. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function toResponse(record: ApiKeyRecord): ApiKeyResponse {
  return {
    id: record.id,
    name: record.name,
    key_prefix: record.keyPrefix,
    key_last4: record.keyLast4,
    agent_ids: record.agentIds,
    expires_at: record.expiresAt?.toISOString() ?? null,
    last_used_at: record.lastUsedAt?.toISOString() ?? null,
    revoked: record.revokedAt !== null,
    revoked_at: record.revokedAt?.toISOString() ?? null,
    created_at: record.createdAt.toISOString(),
  };
}

/** API keys: created (shown once), listed, revoked, and checked when a request presents one. */
export class ApiKeysService {
  constructor(
    private readonly deps: {
      repository: ApiKeysRepository;
      /** Throws AGENT_NOT_FOUND (404) for an agent that is not the caller's. */
      agents: { get(actor: Actor, id: string): Promise<unknown> };
      clock: Clock;
      ids: IdGenerator;
    },
  ) {}

  async create(actor: Actor, input: CreateApiKeyInput): Promise<CreatedApiKey> {
    const now = this.deps.clock.now();
    const expiresAt = input.expires_at ? new Date(input.expires_at) : null;
    if (expiresAt && expiresAt.getTime() <= now.getTime()) {
      throw validationError([{ field: 'body.expires_at', message: 'must be in the future' }]);
    }
    for (const agentId of input.agent_ids ?? []) await this.deps.agents.get(actor, agentId);
    const key = `${apiKeyPrefix}${randomBytes(32).toString('base64url')}`;
    const record = await this.deps.repository.insert({
      id: this.deps.ids.uuid(),
      ownerId: actor.userId,
      name: input.name,
      keyHash: hashApiKey(key),
      keyPrefix: key.slice(0, apiKeyPrefix.length + 4),
      keyLast4: key.slice(-4),
      agentIds: input.agent_ids ?? null,
      expiresAt,
      createdAt: now,
    });
    return { ...toResponse(record), key };
  }

  async list(actor: Actor, query: PageQuery) {
    return pageOf(query, await this.deps.repository.listByOwner(actor.userId, pageWindow(query)), toResponse);
  }

  async get(actor: Actor, id: string): Promise<ApiKeyResponse> {
    const record = await this.deps.repository.findOwned(actor.userId, id);
    if (!record) throw apiKeyNotFound(id);
    return toResponse(record);
  }

  /** Revokes the key at once; revoking it again changes nothing. */
  async revoke(actor: Actor, id: string): Promise<ApiKeyResponse> {
    const record = await this.deps.repository.revoke(actor.userId, id, this.deps.clock.now());
    if (!record) throw apiKeyNotFound(id);
    return toResponse(record);
  }

  /** What `key` grants, or null when it is unknown, revoked or expired. A use is recorded. */
  async authenticate(key: string): Promise<ApiKeyGrant | null> {
    if (!key.startsWith(apiKeyPrefix)) return null;
    const record = await this.deps.repository.findByHash(hashApiKey(key));
    const now = this.deps.clock.now();
    if (!record || record.revokedAt || (record.expiresAt && record.expiresAt.getTime() <= now.getTime())) return null;
    await this.deps.repository.touch(record.id, now, new Date(now.getTime() - touchIntervalMs));
    // A key never carries more than a user's rights, whatever its owner's role.
    return { keyId: record.id, actor: { userId: record.ownerId, role: 'user' }, agentIds: record.agentIds };
  }
}
