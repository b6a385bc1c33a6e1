import type { SecretBox } from '../../platform/crypto/secret-box.js';
import type { ModelConfigSource, UsableModelConfig } from '../../platform/llm/gateway.js';
import type { ModelKind, ProviderName } from '../../platform/llm/providers.js';
import type { ModelConfigRecord, ModelConfigsRepository } from './model-configs.repository.js';

/** Serves stored model configs to the gateway, with their keys decrypted only at the moment of use. */
export class StoredModelConfigSource implements ModelConfigSource {
  constructor(
    private readonly repository: ModelConfigsRepository,
    private readonly secrets: SecretBox,
  ) {}

  async findUsable(ownerId: string, id: string): Promise<UsableModelConfig | null> {
    return this.usable(await this.repository.findById(ownerId, id));
  }

  async findDefault(ownerId: string, kind: ModelKind): Promise<UsableModelConfig | null> {
    return this.usable(await this.repository.findDefault(ownerId, kind));
  }

  async findByProvider(ownerId: string, provider: ProviderName, modelName: string): Promise<UsableModelConfig | null> {
    return this.usable(await this.repository.findByProvider(ownerId, provider, modelName));
  }

  private usable(record: ModelConfigRecord | null): UsableModelConfig | null {
    if (!record) return null;
    return {
      id: record.id,
      provider: record.provider as ProviderName,
      baseUrl: record.baseUrl,
      apiKey: record.apiKeySealed ? this.secrets.open(record.apiKeySealed) : null,
      modelName: record.modelName,
      kind: record.kind,
      parameters: record.parameters,
      fallbackModelIds: record.fallbackModelIds,
    };
  }
}
