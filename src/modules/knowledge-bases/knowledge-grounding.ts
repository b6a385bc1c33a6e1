import type { Actor } from '../../platform/http/authenticate.js';
import type { GroundedContext, Grounding } from '../agent-chat/grounding.js';
import type { KnowledgeBasesRepository } from './knowledge-bases.repository.js';
import { citedHits, groundingOf, numberedHits } from './knowledge-rag.js';
import type { KnowledgeSearch } from './knowledge-search.js';

/**
 * Grounds agent turns in the agent's knowledge bases: only bases the caller owns are searched
 * (a base deleted or never readable is skipped), with each base's retrieval defaults.
 */
export class KnowledgeGrounding implements Grounding {
  constructor(private readonly deps: { repository: KnowledgeBasesRepository; search: KnowledgeSearch }) {}

  async ground(
    actor: Actor,
    options: { knowledgeBaseIds: readonly string[]; query: string; signal: AbortSignal; runId: string },
  ): Promise<GroundedContext | null> {
    const bases = await this.deps.repository.findManyOwned(actor.userId, options.knowledgeBaseIds);
    if (bases.length === 0) return null;
    const { hits } = await this.deps.search.retrieve(bases, {
      query: options.query,
      signal: options.signal,
      context: { userId: actor.userId, runId: options.runId },
    });
    if (hits.length === 0) return null;
    const { prompt, shown } = groundingOf(hits);
    return { prompt, sources: numberedHits(shown), cite: (answer) => citedHits(answer, shown) };
  }
}
