import { z } from 'zod';
import { asToolError, defineTool } from '../../engine/tools/tool.js';
import type { RegisteredTool } from '../../engine/tools/tool-registry.js';
import { isAppError } from '../../platform/errors/app-error.js';
import type { KnowledgeBasesRepository } from './knowledge-bases.repository.js';
import type { KnowledgeSearch } from './knowledge-search.js';

// Without explicit ids the tool searches the user's most recent bases, at most this many.
const DEFAULT_BASE_LIMIT = 20;

/** `knowledge_search`: hybrid search over the user's knowledge bases, for agents and workflows. */
export function knowledgeSearchTool(deps: { repository: KnowledgeBasesRepository; search: KnowledgeSearch }): RegisteredTool {
  return defineTool({
    name: 'knowledge_search',
    category: 'knowledge',
    description:
      "Searches the user's knowledge bases (hybrid semantic and keyword search) and returns the best matching " +
      'passages with their document names and scores. Name knowledge_base_ids to search only those bases.',
    inputSchema: z.object({
      query: z.string().trim().min(1).max(2000).describe('What to look for'),
      knowledge_base_ids: z.array(z.uuid()).min(1).max(20).optional().describe('Bases to search (default: all of yours)'),
      top_k: z.number().int().min(1).max(20).default(5).describe('Passages to return'),
    }),
    async execute(input, context) {
      const { repository, search } = deps;
      const bases = input.knowledge_base_ids
        ? await repository.findManyOwned(context.userId, input.knowledge_base_ids)
        : await repository.listAllOwned(context.userId, DEFAULT_BASE_LIMIT);
      if (bases.length === 0) return { results: [], message: 'No knowledge base to search' };
      try {
        const { hits } = await search.retrieve(bases, {
          query: input.query,
          topK: input.top_k,
          signal: context.signal,
          context: { userId: context.userId, agentId: context.agentId, runId: context.runId },
        });
        return {
          results: hits.map((hit) => ({
            knowledge_base_id: hit.knowledge_base_id,
            document_id: hit.document_id,
            document_name: hit.document_name,
            position: hit.position,
            content: hit.content,
            score: hit.score,
          })),
        };
      } catch (error) {
        if (isAppError(error)) throw asToolError(error, 'KNOWLEDGE_SEARCH_FAILED');
        throw error;
      }
    },
  });
}
