import { randomUUID } from 'node:crypto';
import { ModelGateway, type EnvironmentModels, type ModelConfigSource, type UsableModelConfig } from '../platform/llm/gateway.js';
import type { LlmCallRecord } from '../platform/llm/llm-call.js';
import { FixedClock } from './fixed-clock.js';

/** A model config as the fake keeps it: what the gateway uses, plus its owner and default flag. */
export type StoredModelConfig = UsableModelConfig & { ownerId: string; isDefault: boolean };

/** The model-configs module's source, in memory, with the repository's preferences. */
export class InMemoryModelConfigSource implements ModelConfigSource {
  readonly configs: StoredModelConfig[] = [];

  /** `baseUrl` is where an added config points unless told otherwise, usually the scripted model server. */
  constructor(private readonly baseUrl: string) {}

  /** Stores a chat config of `ownerId` (not its default), with `overrides` on top. */
  add(ownerId: string, overrides: Partial<StoredModelConfig> = {}): StoredModelConfig {
    const config: StoredModelConfig = {
      id: randomUUID(),
      ownerId,
      isDefault: false,
      provider: 'openai-compatible',
      baseUrl: this.baseUrl,
      apiKey: 'config-key',
      modelName: 'chat-model',
      kind: 'chat',
      parameters: {},
      fallbackModelIds: [],
      ...overrides,
    };
    this.configs.push(config);
    return config;
  }

  async findUsable(ownerId: string, id: string) {
    return this.configs.find((config) => config.ownerId === ownerId && config.id === id) ?? null;
  }

  async findDefault(ownerId: string, kind: UsableModelConfig['kind']) {
    return this.configs.find((config) => config.ownerId === ownerId && config.kind === kind && config.isDefault) ?? null;
  }

  async findByProvider(ownerId: string, provider: UsableModelConfig['provider'], modelName: string) {
    const candidates = this.configs.filter(
      (config) => config.ownerId === ownerId && config.provider === provider && config.kind === 'chat',
    );
    const exact = candidates.find((config) => config.modelName === modelName);
    return exact ?? candidates.find((config) => config.isDefault) ?? candidates[0] ?? null;
  }
}

/**
 * A gateway over an empty in-memory source whose configs point at `baseUrl`, with a fixed clock,
 * counted ids, millisecond retries and its calls kept in `records`, for a fresh `ownerId`.
 */
export function createTestGateway(baseUrl: string, environment: EnvironmentModels = {}) {
  const source = new InMemoryModelConfigSource(baseUrl);
  const records: LlmCallRecord[] = [];
  let count = 0;
  const gateway = new ModelGateway({
    source,
    environment,
    recorder: { record: (call) => records.push(call) },
    clock: new FixedClock(),
    ids: { uuid: () => `id-${++count}` },
    policy: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5, timeoutMs: 5_000 },
  });
  return { gateway, source, records, ownerId: randomUUID() };
}
