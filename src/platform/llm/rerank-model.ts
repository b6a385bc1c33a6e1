import { APICallError, type RerankingModelV3 } from '@ai-sdk/provider';
import { z } from 'zod';

/** Where and how to reach a rerank endpoint. */
export interface RerankSettings {
  provider: string;
  modelName: string;
  baseUrl: string;
  apiKey?: string | null | undefined;
  fetch?: typeof globalThis.fetch;
}

const rerankResponseSchema = z.object({
  results: z.array(z.object({ index: z.number().int().min(0), relevance_score: z.number() })),
});

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A reranking model over the Cohere/Jina-style `POST {base_url}/rerank` wire format
 * (`{model, query, documents, top_n}` -> `{results: [{index, relevance_score}]}`), which vLLM,
 * Xinference, TEI, Jina and Cohere-compatible gateways serve. Errors are APICallErrors, so retries
 * and error messages treat them like any other provider call.
 */
export function createRerankModel(settings: RerankSettings): RerankingModelV3 {
  const url = `${settings.baseUrl.replace(/\/+$/, '')}/rerank`;
  const fetchFunction = settings.fetch ?? globalThis.fetch;
  return {
    specificationVersion: 'v3',
    provider: settings.provider,
    modelId: settings.modelName,
    async doRerank(options) {
      const documents = options.documents.values.map((value) =>
        typeof value === 'string' ? value : JSON.stringify(value),
      );
      const body = { model: settings.modelName, query: options.query, documents, top_n: options.topN };
      const response = await fetchFunction(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : {}),
        },
        body: JSON.stringify(body),
        ...(options.abortSignal ? { signal: options.abortSignal } : {}),
      });
      const text = await response.text();
      const headers = Object.fromEntries(response.headers.entries());
      const parsed = rerankResponseSchema.safeParse(parseJson(text));
      if (!response.ok || !parsed.success) {
        throw new APICallError({
          message: response.ok ? 'Rerank response has an unexpected shape' : `Rerank failed with ${response.status}`,
          url,
          requestBodyValues: body,
          statusCode: response.status,
          responseHeaders: headers,
          responseBody: text.slice(0, 2000),
          isRetryable: response.status === 429 || response.status >= 500,
        });
      }
      return {
        ranking: parsed.data.results.map((result) => ({ index: result.index, relevanceScore: result.relevance_score })),
        response: { headers, body: parsed.data },
      };
    },
  };
}
