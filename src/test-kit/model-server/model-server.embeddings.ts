/**
 * Embeddings and model-list payloads. Default vectors are derived from the input text so the same
 * text always embeds identically across runs, which lets retrieval tests assert on rankings.
 */
import { createHash } from 'node:crypto';
import { estimateTokens, type ErrorReply, type ReplyPacing } from './model-server.script.js';

/** A scripted embeddings answer: explicit vectors (one per input, in order), or an error. */
export type EmbeddingsReply =
  | ({ embeddings: number[][]; usage?: { prompt_tokens: number } } & Pick<ReplyPacing, 'delayMs' | 'headers'>)
  | ErrorReply;

/** The dimension count used for default vectors when neither the request nor the options set one. */
export const DEFAULT_EMBEDDING_DIMENSIONS = 8;

/** A deterministic unit-length vector for a text, so cosine similarity between defaults is well defined. */
export function defaultEmbedding(text: string, dimensions: number): number[] {
  const values: number[] = [];
  for (let block = 0; values.length < dimensions; block++) {
    const digest = createHash('sha256').update(`${block}:${text}`).digest();
    for (let offset = 0; offset + 1 < digest.length && values.length < dimensions; offset += 2) {
      values.push(digest.readUInt16BE(offset) / 65535 - 0.5);
    }
  }
  const norm = Math.sqrt(values.reduce((sum, value) => sum + value * value, 0)) || 1;
  return values.map((value) => value / norm);
}

/** Normalises the `input` field of an embeddings request, which OpenAI accepts as a string or list. */
export function embeddingInputs(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input)) return input.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
  return [];
}

/** Renders the `/v1/embeddings` body for a request, from scripted vectors or default ones. */
export function renderEmbeddings(
  inputs: string[],
  model: string,
  dimensions: number,
  scripted?: { embeddings: number[][]; usage?: { prompt_tokens: number } },
): object {
  const vectors = scripted?.embeddings ?? inputs.map((input) => defaultEmbedding(input, dimensions));
  const promptTokens =
    scripted?.usage?.prompt_tokens ?? inputs.reduce((sum, input) => sum + estimateTokens(input), 0);
  return {
    object: 'list',
    data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

/** Renders the `/v1/models` list body. */
export function renderModelList(models: Iterable<string>, created: number): object {
  return {
    object: 'list',
    data: [...new Set(models)].map((id) => ({ id, object: 'model', created, owned_by: 'tiangong-test-kit' })),
  };
}
