import { streamTurn, type TurnResult } from '../../engine/agent-runtime/turn.js';
import { buildGroundingPrompt, citationsFor, selectGroundingSources, type CitationSource } from '../../engine/rag/citations.js';
import type { Actor } from '../../platform/http/authenticate.js';
import { callSettings, type ModelGateway } from '../../platform/llm/gateway.js';
import { providerFailure } from '../../platform/llm/llm-errors.js';
import type { RunContext, RunsService } from '../runs/runs.service.js';
import type { KnowledgeBaseRecord } from './knowledge-bases.repository.js';
import type { Citation, RagInput, SearchHit } from './knowledge-bases.schemas.js';
import type { KnowledgeSearch } from './knowledge-search.js';

/** Search hits as numbered sources for the grounding prompt. */
export function toCitationSources(hits: readonly SearchHit[]): CitationSource[] {
  return hits.map((hit) => ({
    id: hit.chunk_id,
    documentId: hit.document_id,
    documentName: hit.document_name,
    position: hit.position,
    content: hit.content,
    score: hit.score,
  }));
}

/** The hits an answer cites, each with the [n] it was cited by. */
export function citedHits(answer: string, hits: readonly SearchHit[]): Citation[] {
  const byId = new Map(hits.map((hit) => [hit.chunk_id, hit]));
  return citationsFor(answer, toCitationSources(hits)).map(({ number, source }) => ({ ...byId.get(source.id)!, number }));
}

/** Every hit numbered as the model saw it. */
export function numberedHits(hits: readonly SearchHit[]): Citation[] {
  return hits.map((hit, index) => ({ ...hit, number: index + 1 }));
}

/**
 * The grounding prompt for the hits, and the hits it actually shows: the lowest ranked may be
 * left out to keep the prompt within its size, and sources are reported only as the model saw them.
 */
export function groundingOf(hits: readonly SearchHit[]): { prompt: string; shown: SearchHit[] } {
  const shownIds = new Set(selectGroundingSources(toCitationSources(hits)).map((source) => source.id));
  const shown = hits.filter((hit) => shownIds.has(hit.chunk_id));
  return { prompt: buildGroundingPrompt(toCitationSources(shown)), shown };
}

/**
 * Retrieval-augmented answers: retrieve from the base, give the model the sources numbered
 * [1]..[n], stream its answer, and report which sources the answer cites. Each answer is a
 * durable run (kind `rag`), so a streamed answer can be re-attached and cancelled like a chat turn.
 */
export class KnowledgeRag {
  constructor(private readonly deps: { search: KnowledgeSearch; gateway: ModelGateway; runs: RunsService }) {}

  /** Starts the run; a plain caller awaits `settled`, a streaming one follows the run's events. */
  async start(actor: Actor, base: KnowledgeBaseRecord, input: RagInput, options: { signal?: AbortSignal; stream: boolean }) {
    const selector = input.model_config_id ? { modelConfigId: input.model_config_id } : undefined;
    // Resolved before the run starts, so a missing model is a plain 4xx, not a failed run.
    const model = await this.deps.gateway.resolveChat(actor.userId, selector, { userId: actor.userId });
    return this.deps.runs.start(
      actor,
      {
        kind: 'rag',
        input: { knowledge_base_id: base.id, query: input.query },
        storeWhenDone: !options.stream,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (context) => this.execute(context, { base, input, model }),
    );
  }

  private async execute(
    context: RunContext,
    options: { base: KnowledgeBaseRecord; input: RagInput; model: Awaited<ReturnType<ModelGateway['resolveChat']>> },
  ) {
    const { base, input, model } = options;
    const { hits } = await this.deps.search.retrieve([base], {
      query: input.query,
      topK: input.top_k,
      scoreThreshold: input.score_threshold,
      hybridWeight: input.hybrid_weight,
      rerank: input.rerank,
      filter: input.filter ? { documentIds: input.filter.document_ids, metadata: input.filter.metadata } : undefined,
      signal: context.signal,
      context: { userId: base.ownerId, runId: context.runId },
    });
    const grounding = groundingOf(hits);
    const sources = numberedHits(grounding.shown);
    context.emit('retrieval', { type: 'retrieval', sources });
    const settings = callSettings({ ...model.parameters, ...(input.temperature !== undefined ? { temperature: input.temperature } : {}) });
    let result: TurnResult | undefined;
    try {
      for await (const event of streamTurn({
        model: model.model,
        system: grounding.prompt,
        messages: [{ role: 'user', content: input.query }],
        settings,
        signal: context.signal,
      })) {
        if (event.type === 'text-delta') context.emit('token', { type: 'token', content: event.text });
        if (event.type === 'turn-finish') result = event;
      }
    } catch (error) {
      if (context.signal.aborted) throw error;
      throw providerFailure(error, model.label);
    }
    if (!result) throw context.signal.reason ?? new Error('The answer ended early');
    const output = {
      answer: result.text,
      citations: citedHits(result.text, grounding.shown),
      sources,
      model: model.label,
      token_usage: result.usage,
    };
    context.emit('done', { type: 'done', ...output, run_id: context.runId });
    return { output, usage: result.usage };
  }
}
