import type { EmbeddingModelV3, LanguageModelV3, RerankingModelV3 } from '@ai-sdk/provider';
import { embed, generateText, rerank } from 'ai';
import type { Clock } from '../clock.js';
import type { IdGenerator } from '../ids.js';
import type { CallContext, LlmCallRecorder } from './llm-call.js';
import { explainProviderError, modelConfigNotFound, modelKindMismatch, modelNotConfigured } from './llm-errors.js';
import { createLocalEmbeddingModel } from './local-embedding-model.js';
import {
  createChatModel,
  createEmbeddingModel,
  providersRequiringKey,
  resolvedBaseUrl,
  type ModelKind,
  type ProviderName,
} from './providers.js';
import { createRecordedEmbeddingModel, createRecordedRerankModel } from './recorded-models.js';
import { createRerankModel } from './rerank-model.js';
import { ResolutionCache } from './resolution-cache.js';
import { createResilientModel, type ModelCandidate } from './resilient-model.js';
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy.js';

/** Call parameters in the seed's words. */
export interface ModelParameters {
  temperature?: number | undefined;
  max_tokens?: number | undefined;
  top_p?: number | undefined;
}

/** A stored model config with its key already decrypted: what the gateway needs to make a call. */
export interface UsableModelConfig {
  id: string;
  provider: ProviderName;
  baseUrl: string | null;
  apiKey: string | null;
  modelName: string;
  kind: ModelKind;
  parameters: ModelParameters;
  fallbackModelIds: string[];
}

/** Where the gateway finds a user's model configs (the model-configs module implements it). */
export interface ModelConfigSource {
  findUsable(ownerId: string, id: string): Promise<UsableModelConfig | null>;
  findDefault(ownerId: string, kind: ModelKind): Promise<UsableModelConfig | null>;
  /** The owner's config for this provider, preferring one with this exact model name. */
  findByProvider(ownerId: string, provider: ProviderName, modelName: string): Promise<UsableModelConfig | null>;
}

/** The model that needs no database row (OPENAI_API_KEY, OPENAI_BASE_URL, DEFAULT_MODEL ...). */
export interface EnvironmentModels {
  openaiApiKey?: string | undefined;
  openaiBaseUrl?: string | undefined;
  defaultModel?: string | undefined;
  defaultEmbeddingModel?: string | undefined;
}

/** Which model to use: a stored config, an inline description (as agents store it), or the default. */
export type ModelSelector =
  | { modelConfigId: string; parameters?: ModelParameters }
  | { inline: { provider: ProviderName; model_name: string } & ModelParameters }
  | { parameters?: ModelParameters }
  | undefined;

/** A chat model ready for generateText/streamText, with the parameters to pass along. */
export interface ResolvedChatModel {
  model: LanguageModelV3;
  /** "provider/model" of the primary model, for responses and logs. */
  label: string;
  parameters: ModelParameters;
}

/** The outcome of a probe call to a model config. */
export interface ProbeResult {
  ok: boolean;
  latencyMs: number;
  label: string;
  error?: string;
}

/** How long a probe call may take. */
const probeTimeoutMs = 30_000;

/** What the gateway is made of. */
export interface ModelGatewayDeps {
  source: ModelConfigSource;
  environment: EnvironmentModels;
  recorder: LlmCallRecorder;
  clock: Clock;
  ids: IdGenerator;
  policy?: RetryPolicy;
  fetch?: typeof globalThis.fetch;
}

/**
 * Turns "which model" into a callable AI SDK model: resolves stored configs, inline configs and the
 * environment default; wraps chat models with retries, fallbacks, timeouts and call recording.
 */
export class ModelGateway {
  private readonly cache: ResolutionCache<{ primary: UsableModelConfig; candidates: ModelCandidate[] }>;

  constructor(private readonly deps: ModelGatewayDeps) {
    this.cache = new ResolutionCache({ ttlMs: 60_000, now: () => deps.clock.now().getTime() });
  }

  /** Forgets the owner's resolved models; call it whenever one of their model configs changes. */
  invalidate(ownerId: string): void {
    this.cache.invalidate(ownerId);
  }

  /** The chat model for `selector`, or 422 MODEL_NOT_CONFIGURED when there is none. */
  async resolveChat(ownerId: string, selector: ModelSelector, context: CallContext): Promise<ResolvedChatModel> {
    const key = selectorKey(selector);
    let resolved = this.cache.get(ownerId, key);
    if (!resolved) {
      const primary = await this.chatConfig(ownerId, selector);
      const fallbacks = await this.fallbacksOf(ownerId, primary);
      resolved = { primary, candidates: [primary, ...fallbacks].map((config) => this.candidate(config)) };
      this.cache.set(ownerId, key, resolved);
    }
    const { primary, candidates } = resolved;
    const model = createResilientModel({
      candidates,
      context: { ...context, userId: context.userId ?? ownerId },
      recorder: this.deps.recorder,
      policy: this.deps.policy ?? defaultRetryPolicy,
      clock: this.deps.clock,
      ids: this.deps.ids,
    });
    const requested = selector && 'parameters' in selector ? selector.parameters : undefined;
    const inline = selector && 'inline' in selector ? selector.inline : undefined;
    return {
      model,
      label: `${primary.provider}/${primary.modelName}`,
      parameters: { ...primary.parameters, ...pickParameters(inline), ...pickParameters(requested) },
    };
  }

  /**
   * The embedding model: a given config; null for the built-in local embedder; undefined for the
   * owner's default, the environment's, or else the local embedder.
   */
  async resolveEmbedding(ownerId: string, modelConfigId: string | null | undefined, context: CallContext) {
    const config =
      modelConfigId === null
        ? null
        : modelConfigId
          ? await this.requireConfig(ownerId, modelConfigId, 'embedding')
          : ((await this.deps.source.findDefault(ownerId, 'embedding')) ?? this.environmentConfig('embedding'));
    const model: EmbeddingModelV3 = config
      ? createEmbeddingModel({ ...config, fetch: this.deps.fetch })
      : createLocalEmbeddingModel();
    return createRecordedEmbeddingModel(model, this.recording(ownerId, context, config?.id || null));
  }

  private recording(ownerId: string, context: CallContext, modelConfigId: string | null) {
    const { recorder, clock, ids } = this.deps;
    return { recorder, clock, ids, context: { ...context, userId: context.userId ?? ownerId }, modelConfigId };
  }

  /** The rerank model: a given config or the owner's default; 422 when there is none. */
  async resolveRerank(ownerId: string, modelConfigId: string | undefined, context: CallContext = {}): Promise<RerankingModelV3> {
    const config = modelConfigId
      ? await this.requireConfig(ownerId, modelConfigId, 'rerank')
      : await this.deps.source.findDefault(ownerId, 'rerank');
    if (!config) throw modelNotConfigured('rerank');
    const model = createRerankModel({ ...config, baseUrl: resolvedBaseUrl(config), fetch: this.deps.fetch });
    return createRecordedRerankModel(model, this.recording(ownerId, context, config.id));
  }

  /**
   * Makes one minimal real call to a stored config, without retries or fallbacks (the point is to
   * see whether this config works), and reports the outcome in plain words.
   */
  async probe(ownerId: string, id: string): Promise<ProbeResult> {
    const config = await this.deps.source.findUsable(ownerId, id);
    if (!config) throw modelConfigNotFound(id);
    const label = `${config.provider}/${config.modelName}`;
    const startedAt = performance.now();
    const signal = AbortSignal.timeout(probeTimeoutMs);
    const context = { userId: ownerId };
    try {
      if (config.kind === 'chat') {
        const model = createResilientModel({
          candidates: [this.candidate(config)],
          context,
          recorder: this.deps.recorder,
          policy: { ...defaultRetryPolicy, maxAttempts: 1, timeoutMs: probeTimeoutMs },
          clock: this.deps.clock,
          ids: this.deps.ids,
        });
        await generateText({ model, prompt: 'Reply with the word: pong', maxOutputTokens: 16, maxRetries: 0, abortSignal: signal });
      } else if (config.kind === 'embedding') {
        const model = await this.resolveEmbedding(ownerId, id, context);
        await embed({ model, value: 'ping', maxRetries: 0, abortSignal: signal });
      } else {
        const model = await this.resolveRerank(ownerId, id, context);
        await rerank({ model, query: 'ping', documents: ['pong', 'other'], maxRetries: 0, abortSignal: signal });
      }
      return { ok: true, latencyMs: Math.round(performance.now() - startedAt), label };
    } catch (error) {
      return { ok: false, latencyMs: Math.round(performance.now() - startedAt), label, error: explainProviderError(error, config.modelName) };
    }
  }

  /** The owner's default config of a kind, or null. */
  findDefault(ownerId: string, kind: ModelKind): Promise<UsableModelConfig | null> {
    return this.deps.source.findDefault(ownerId, kind);
  }

  /** A stored config of the given kind, or 404 / 422. */
  async requireConfig(ownerId: string, id: string, kind: ModelKind): Promise<UsableModelConfig> {
    const config = await this.deps.source.findUsable(ownerId, id);
    if (!config) throw modelConfigNotFound(id);
    if (config.kind !== kind) throw modelKindMismatch(id, kind, config.kind);
    return config;
  }

  private async chatConfig(ownerId: string, selector: ModelSelector): Promise<UsableModelConfig> {
    if (selector && 'modelConfigId' in selector) return this.requireConfig(ownerId, selector.modelConfigId, 'chat');
    if (selector && 'inline' in selector) return this.inlineConfig(ownerId, selector.inline);
    const config = (await this.deps.source.findDefault(ownerId, 'chat')) ?? this.environmentConfig('chat');
    if (!config) throw modelNotConfigured();
    return config;
  }

  /**
   * An inline `{provider, model_name}` borrows credentials: the owner's config for that provider
   * (exact model first), else the environment's OpenAI settings, else none where the provider needs none.
   */
  private async inlineConfig(
    ownerId: string,
    inline: { provider: ProviderName; model_name: string },
  ): Promise<UsableModelConfig> {
    const stored = await this.deps.source.findByProvider(ownerId, inline.provider, inline.model_name);
    if (stored) return { ...stored, modelName: inline.model_name, fallbackModelIds: stored.fallbackModelIds };
    const environment = this.environmentConfig('chat');
    const openAiFamily = inline.provider === 'openai' || inline.provider === 'openai-compatible';
    if (environment && openAiFamily) return { ...environment, modelName: inline.model_name };
    if (providersRequiringKey.has(inline.provider) || inline.provider === 'openai-compatible' || inline.provider === 'vllm') {
      throw modelNotConfigured();
    }
    return this.bareConfig(inline.provider, inline.model_name, 'chat', null, null);
  }

  private environmentConfig(kind: 'chat' | 'embedding'): UsableModelConfig | null {
    const { openaiApiKey, openaiBaseUrl, defaultModel, defaultEmbeddingModel } = this.deps.environment;
    const modelName = kind === 'chat' ? (defaultModel ?? (openaiApiKey ? 'gpt-4o-mini' : undefined)) : defaultEmbeddingModel;
    if (!modelName) return null;
    const provider: ProviderName = openaiBaseUrl ? 'openai-compatible' : 'openai';
    return this.bareConfig(provider, modelName, kind, openaiBaseUrl ?? null, openaiApiKey ?? null);
  }

  private bareConfig(
    provider: ProviderName,
    modelName: string,
    kind: ModelKind,
    baseUrl: string | null,
    apiKey: string | null,
  ): UsableModelConfig {
    return { id: '', provider, baseUrl, apiKey, modelName, kind, parameters: {}, fallbackModelIds: [] };
  }

  private async fallbacksOf(ownerId: string, primary: UsableModelConfig): Promise<UsableModelConfig[]> {
    const found = await Promise.all(primary.fallbackModelIds.map((id) => this.deps.source.findUsable(ownerId, id)));
    return found.filter((config): config is UsableModelConfig => config !== null && config.kind === 'chat');
  }

  private candidate(config: UsableModelConfig): ModelCandidate {
    return {
      model: createChatModel({ ...config, fetch: this.deps.fetch }),
      provider: config.provider,
      modelName: config.modelName,
      modelConfigId: config.id || null,
    };
  }
}

/** What identifies a resolution: the config named, the inline provider and model, or the default. */
function selectorKey(selector: ModelSelector): string {
  if (selector && 'modelConfigId' in selector) return `id:${selector.modelConfigId}`;
  if (selector && 'inline' in selector) return `inline:${selector.inline.provider}:${selector.inline.model_name}`;
  return 'default';
}

function pickParameters(source: ModelParameters | undefined): ModelParameters {
  if (!source) return {};
  const picked: ModelParameters = {};
  if (source.temperature !== undefined) picked.temperature = source.temperature;
  if (source.max_tokens !== undefined) picked.max_tokens = source.max_tokens;
  if (source.top_p !== undefined) picked.top_p = source.top_p;
  return picked;
}

/** The AI SDK call settings for the seed's parameters. */
export function callSettings(parameters: ModelParameters) {
  return {
    ...(parameters.temperature !== undefined ? { temperature: parameters.temperature } : {}),
    ...(parameters.max_tokens !== undefined ? { maxOutputTokens: parameters.max_tokens } : {}),
    ...(parameters.top_p !== undefined ? { topP: parameters.top_p } : {}),
    // The gateway's resilient model retries and falls back itself; a second retry layer would multiply waits.
    maxRetries: 0,
  };
}
