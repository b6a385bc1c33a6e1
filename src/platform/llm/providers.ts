import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { EmbeddingModelV3, LanguageModelV3 } from '@ai-sdk/provider';
import { AppError } from '../errors/app-error.js';

/** The providers a model config can name. */
export const providerNames = [
  'openai',
  'openai-compatible',
  'deepseek',
  'qwen',
  'moonshot',
  'zhipu',
  'ollama',
  'vllm',
  'anthropic',
] as const;

export type ProviderName = (typeof providerNames)[number];

/** What a model is used for. */
export type ModelKind = 'chat' | 'embedding' | 'rerank';

/** Everything needed to reach one model at one endpoint. */
export interface ProviderSettings {
  provider: ProviderName;
  modelName: string;
  baseUrl?: string | null | undefined;
  apiKey?: string | null | undefined;
  /** The fetch every provider call goes through (the SSRF-guarded one in production). */
  fetch?: typeof globalThis.fetch;
}

/** Where each provider answers when the config gives no base URL; absent = the config must give one. */
export const defaultBaseUrls: Partial<Record<ProviderName, string>> = {
  openai: 'https://api.openai.com/v1',
  deepseek: 'https://api.deepseek.com/v1',
  qwen: 'https://dashscope.aliyuncs.com/compatible-mode/v1',
  moonshot: 'https://api.moonshot.cn/v1',
  zhipu: 'https://open.bigmodel.cn/api/paas/v4',
  ollama: 'http://127.0.0.1:11434/v1',
  anthropic: 'https://api.anthropic.com/v1',
};

/** Providers that refuse calls without a key, so a config without one is invalid from the start. */
export const providersRequiringKey: ReadonlySet<ProviderName> = new Set([
  'openai',
  'deepseek',
  'qwen',
  'moonshot',
  'zhipu',
  'anthropic',
]);

function baseUrlOf(settings: ProviderSettings): string {
  const url = settings.baseUrl ?? defaultBaseUrls[settings.provider];
  if (!url) {
    throw new AppError({
      code: 'MODEL_BASE_URL_REQUIRED',
      category: 'validation',
      message: `Provider ${settings.provider} needs a base_url`,
    });
  }
  return url.replace(/\/+$/, '');
}

function compatibleProvider(settings: ProviderSettings) {
  return createOpenAICompatible({
    name: settings.provider,
    baseURL: baseUrlOf(settings),
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
    includeUsage: true,
  });
}

function openAiProvider(settings: ProviderSettings) {
  // An explicit key always: without one the SDK would silently read OPENAI_API_KEY from the environment.
  return createOpenAI({
    baseURL: baseUrlOf(settings),
    apiKey: settings.apiKey ?? '',
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
  });
}

/**
 * Builds the AI SDK chat model for a config. OpenAI goes through `.chat()` (Chat Completions, which
 * every OpenAI-style gateway speaks); Anthropic through its own client; everything else through the
 * OpenAI-compatible client with usage reporting on.
 */
export function createChatModel(settings: ProviderSettings): LanguageModelV3 {
  switch (settings.provider) {
    case 'openai':
      return openAiProvider(settings).chat(settings.modelName);
    case 'anthropic':
      return createAnthropic({
        baseURL: baseUrlOf(settings),
        apiKey: settings.apiKey ?? '',
        ...(settings.fetch ? { fetch: settings.fetch } : {}),
      })(settings.modelName);
    default:
      return compatibleProvider(settings).chatModel(settings.modelName);
  }
}

/** Builds the AI SDK embedding model for a config; Anthropic has no embedding API. */
export function createEmbeddingModel(settings: ProviderSettings): EmbeddingModelV3 {
  switch (settings.provider) {
    case 'openai':
      return openAiProvider(settings).embedding(settings.modelName);
    case 'anthropic':
      throw new AppError({
        code: 'MODEL_KIND_UNSUPPORTED',
        category: 'validation',
        message: 'Anthropic offers no embedding models',
      });
    default:
      return compatibleProvider(settings).embeddingModel(settings.modelName);
  }
}

/** The base URL a config will call, for display and for the rerank client. */
export function resolvedBaseUrl(settings: ProviderSettings): string {
  return baseUrlOf(settings);
}
