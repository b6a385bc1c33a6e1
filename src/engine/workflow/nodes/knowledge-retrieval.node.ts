import { z } from 'zod';
import type { NodeType } from '../node-type.js';
import { MAX_MODEL_TEXT_LENGTH } from './llm.node.js';

const knowledgeRetrievalConfigSchema = z
  .object({
    knowledge_base_ids: z
      .array(z.uuid())
      .min(1)
      .max(20)
      .refine((ids) => new Set(ids).size === ids.length, 'knowledge base ids must be unique')
      .describe("The owner's knowledge bases to search"),
    query: z.string().min(1).max(MAX_MODEL_TEXT_LENGTH).describe('What to search for (template, resolved)'),
    top_k: z.number().int().min(1).max(50).optional().describe('How many results at most; absent: the search default'),
  })
  .strict();

/** The config of a `knowledge_retrieval` node. */
export type KnowledgeRetrievalConfig = z.infer<typeof knowledgeRetrievalConfigSchema>;

/** The results' contents numbered for a prompt: "[1] first\n\n[2] second"; "" for no results. */
export function numberedContext(results: ReadonlyArray<{ content: string }>): string {
  return results.map((result, index) => `[${index + 1}] ${result.content}`).join('\n\n');
}

/**
 * `knowledge_retrieval`: hybrid search over knowledge bases. Output `{ results, context }`: the
 * results as the search gave them, best first, and their contents numbered for an llm prompt.
 */
export const knowledgeRetrievalNode: NodeType<KnowledgeRetrievalConfig> = {
  type: 'knowledge_retrieval',
  description: 'Searches knowledge bases and returns the best passages, also as numbered context for a prompt',
  configSchema: knowledgeRetrievalConfigSchema,
  async run({ config, services, signal }) {
    const results = await services.searchKnowledge({
      knowledgeBaseIds: config.knowledge_base_ids,
      query: config.query,
      topK: config.top_k,
      signal,
    });
    return { kind: 'done', output: { results, context: numberedContext(results) } };
  },
};
