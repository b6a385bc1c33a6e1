import type { Clock } from '../../platform/clock.js';
import { maskSecret, type SecretBox } from '../../platform/crypto/secret-box.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { EventBus } from '../../platform/events/event-bus.js';
import type { IdGenerator } from '../../platform/ids.js';
import { pageOf, pageWindow } from '../../platform/pagination.js';
import type { ModelGateway } from '../../platform/llm/gateway.js';
import { defaultBaseUrls, providersRequiringKey, type ProviderName } from '../../platform/llm/providers.js';
import { invalidModelConfig, modelConfigNotFound } from './model-configs.errors.js';
import type { ModelConfigRecord, ModelConfigsRepository } from './model-configs.repository.js';
import type {
  CreateModelConfigInput,
  ListModelConfigsQuery,
  ModelConfigResponse,
  ModelTestResult,
  UpdateModelConfigInput,
} from './model-configs.schemas.js';

/** What the model-configs service is made of. */
export interface ModelConfigsServiceDeps {
  repository: ModelConfigsRepository;
  secrets: SecretBox;
  gateway: ModelGateway;
  events: EventBus;
  clock: Clock;
  ids: IdGenerator;
}

/** The topic on which every instance hears that an owner's model configs changed. */
export const modelConfigsChangedTopic = 'model-configs.changed';

/** The event published on that topic. */
export interface ModelConfigsChanged {
  owner_id: string;
}

type ConfigShape = Pick<CreateModelConfigInput, 'provider' | 'kind' | 'fallback_model_ids'> & {
  base_url: string | null | undefined;
  has_api_key: boolean;
};

function toResponse(record: ModelConfigRecord): ModelConfigResponse {
  return {
    id: record.id,
    name: record.name,
    provider: record.provider as ProviderName,
    base_url: record.baseUrl,
    api_key_masked: record.apiKeyMasked,
    model_name: record.modelName,
    kind: record.kind,
    parameters: record.parameters,
    capabilities: record.capabilities,
    fallback_model_ids: record.fallbackModelIds,
    is_default: record.isDefault,
    created_at: record.createdAt.toISOString(),
    updated_at: record.updatedAt.toISOString(),
  };
}

/** A user's model endpoints: CRUD with sealed keys, cross-field checks, and a live test call. */
export class ModelConfigsService {
  constructor(private readonly deps: ModelConfigsServiceDeps) {}

  async list(actor: Actor, query: ListModelConfigsQuery) {
    return pageOf(query, await this.deps.repository.listByOwner(actor.userId, query, pageWindow(query)), toResponse);
  }

  async get(actor: Actor, id: string): Promise<ModelConfigResponse> {
    return toResponse(await this.require(actor, id));
  }

  async create(actor: Actor, input: CreateModelConfigInput): Promise<ModelConfigResponse> {
    await this.check(actor, { ...input, base_url: input.base_url, has_api_key: Boolean(input.api_key) }, null);
    const now = this.deps.clock.now();
    const record = await this.deps.repository.insert({
      id: this.deps.ids.uuid(),
      ownerId: actor.userId,
      name: input.name,
      provider: input.provider,
      baseUrl: input.base_url ?? null,
      ...this.sealedKey(input.api_key ?? null),
      modelName: input.model_name,
      kind: input.kind,
      parameters: input.parameters,
      capabilities: input.capabilities,
      fallbackModelIds: input.fallback_model_ids,
      isDefault: input.is_default,
      createdAt: now,
      updatedAt: now,
    });
    await this.changed(actor);
    return toResponse(record);
  }

  async update(actor: Actor, id: string, input: UpdateModelConfigInput): Promise<ModelConfigResponse> {
    const current = await this.require(actor, id);
    const merged: ConfigShape = {
      provider: input.provider ?? (current.provider as ProviderName),
      kind: input.kind ?? current.kind,
      base_url: input.base_url === undefined ? current.baseUrl : input.base_url,
      has_api_key: input.api_key === undefined ? current.apiKeySealed !== null : input.api_key !== null,
      fallback_model_ids: input.fallback_model_ids ?? current.fallbackModelIds,
    };
    const kindChanged = merged.kind !== current.kind;
    // Fallback lists are re-checked only when they or the kind change, so that a config whose fallback
    // was edited elsewhere stays editable.
    await this.check(actor, merged, id, input.fallback_model_ids !== undefined || kindChanged);
    const updated = await this.deps.repository.update(
      actor.userId,
      id,
      {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.provider !== undefined ? { provider: input.provider } : {}),
        ...(input.base_url !== undefined ? { baseUrl: input.base_url } : {}),
        ...(input.api_key !== undefined ? this.sealedKey(input.api_key) : {}),
        ...(input.model_name !== undefined ? { modelName: input.model_name } : {}),
        ...(input.kind !== undefined ? { kind: input.kind } : {}),
        ...(input.parameters !== undefined ? { parameters: input.parameters } : {}),
        ...(input.capabilities !== undefined ? { capabilities: input.capabilities } : {}),
        ...(input.fallback_model_ids !== undefined ? { fallbackModelIds: input.fallback_model_ids } : {}),
        // A config moved to another kind does not silently become (or replace) that kind's default.
        ...(input.is_default !== undefined ? { isDefault: input.is_default } : kindChanged ? { isDefault: false } : {}),
        updatedAt: this.deps.clock.now(),
      },
      merged.kind,
    );
    if (!updated) throw modelConfigNotFound(id);
    if (kindChanged && current.kind === 'chat') await this.deps.repository.removeFromFallbacks(actor.userId, id);
    await this.changed(actor);
    return toResponse(updated);
  }

  async delete(actor: Actor, id: string): Promise<void> {
    if (!(await this.deps.repository.delete(actor.userId, id))) throw modelConfigNotFound(id);
    await this.changed(actor);
  }

  /** Drops this instance's cached resolutions at once and tells the other instances to do the same. */
  private async changed(actor: Actor): Promise<void> {
    this.deps.gateway.invalidate(actor.userId);
    await this.deps.events.publish<ModelConfigsChanged>(modelConfigsChangedTopic, { owner_id: actor.userId });
  }

  /** Calls the model once for real and says whether it works, how fast, and if not, why. */
  async test(actor: Actor, id: string): Promise<ModelTestResult> {
    const result = await this.deps.gateway.probe(actor.userId, id);
    return {
      ok: result.ok,
      latency_ms: result.latencyMs,
      model: result.label,
      ...(result.error ? { error: result.error } : {}),
    };
  }

  private async require(actor: Actor, id: string): Promise<ModelConfigRecord> {
    const record = await this.deps.repository.findById(actor.userId, id);
    if (!record) throw modelConfigNotFound(id);
    return record;
  }

  private sealedKey(apiKey: string | null) {
    return apiKey === null
      ? { apiKeySealed: null, apiKeyMasked: null }
      : { apiKeySealed: this.deps.secrets.seal(apiKey), apiKeyMasked: maskSecret(apiKey) };
  }

  /** Cross-field rules the schema cannot express, checked on the config as it will be stored. */
  private async check(actor: Actor, config: ConfigShape, selfId: string | null, checkFallbacks = true): Promise<void> {
    if (!config.base_url && !defaultBaseUrls[config.provider]) {
      throw invalidModelConfig('base_url', `Provider ${config.provider} needs a base_url`);
    }
    if (!config.has_api_key && providersRequiringKey.has(config.provider)) {
      throw invalidModelConfig('api_key', `Provider ${config.provider} needs an api_key`);
    }
    if (config.provider === 'anthropic' && config.kind !== 'chat') {
      throw invalidModelConfig('kind', 'Anthropic offers chat models only');
    }
    if (checkFallbacks) await this.checkFallbacks(actor, config, selfId);
  }

  private async checkFallbacks(actor: Actor, config: ConfigShape, selfId: string | null): Promise<void> {
    const ids = config.fallback_model_ids;
    if (ids.length === 0) return;
    if (config.kind !== 'chat') throw invalidModelConfig('fallback_model_ids', 'Only chat models have fallbacks');
    if (new Set(ids).size !== ids.length || (selfId !== null && ids.includes(selfId))) {
      throw invalidModelConfig('fallback_model_ids', 'Fallbacks must be distinct and not the config itself');
    }
    const found = await this.deps.repository.findManyByIds(actor.userId, ids);
    const usable = new Set(found.filter((record) => record.kind === 'chat').map((record) => record.id));
    const unusable = ids.filter((id) => !usable.has(id));
    if (unusable.length > 0) {
      throw invalidModelConfig('fallback_model_ids', `Not chat model configs of yours: ${unusable.join(', ')}`);
    }
  }
}
