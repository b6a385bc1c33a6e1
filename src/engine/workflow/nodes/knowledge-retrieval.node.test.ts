import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { knowledgeRetrievalNode, numberedContext } from './knowledge-retrieval.node.js';
import { codedError, fakeServices, runSingleNode, untilAborted } from './model.test-helpers.js';

function passage(content: string, score: number) {
  return { content, document_name: `${randomUUID()}.md`, score, chunk_id: randomUUID() };
}

// Every test: start -> subject (knowledge_retrieval) -> end
describe('knowledge_retrieval node', () => {
  it('searches the bases with the resolved query and top_k, and outputs the results and numbered context', async () => {
    const knowledgeBaseIds = [randomUUID(), randomUUID()];
    const results = [passage('Refunds take 5 days.', 0.9), passage('Refunds need a receipt.', 0.7)];
    const fake = fakeServices({ searchKnowledge: [results] });

    const run = await runSingleNode({
      nodeType: knowledgeRetrievalNode,
      config: { knowledge_base_ids: knowledgeBaseIds, query: '{{start.input.question}}', top_k: 2 },
      services: fake.services,
      input: { question: 'How do refunds work?' },
    });

    expect(fake.calls.searchKnowledge).toEqual([
      { knowledgeBaseIds, query: 'How do refunds work?', topK: 2, signal: expect.any(AbortSignal) },
    ]);
    expect(run.step('subject').output).toEqual({
      results,
      context: '[1] Refunds take 5 days.\n\n[2] Refunds need a receipt.',
    });
  });

  it('outputs no results and an empty context when nothing matches', async () => {
    const fake = fakeServices({ searchKnowledge: [[]] });

    const run = await runSingleNode({ nodeType: knowledgeRetrievalNode, config: { knowledge_base_ids: [randomUUID()], query: 'q' }, services: fake.services });

    expect(run.step('subject').output).toEqual({ results: [], context: '' });
    expect(fake.calls.searchKnowledge[0]!.topK).toBeUndefined();
  });

  it('numbers the context from 1 in result order', () => {
    expect(numberedContext([{ content: 'a' }, { content: 'b' }, { content: 'c' }])).toBe('[1] a\n\n[2] b\n\n[3] c');
  });

  it.each([
    ['no knowledge bases', { knowledge_base_ids: [], query: 'q' }],
    ['21 knowledge bases', { knowledge_base_ids: Array.from({ length: 21 }, () => randomUUID()), query: 'q' }],
    ['a base id that is not a uuid', { knowledge_base_ids: ['docs'], query: 'q' }],
    ['the same base twice', { knowledge_base_ids: ['5b0f4f0e-0d3c-4a43-9d5e-2f7a8f6f1c11', '5b0f4f0e-0d3c-4a43-9d5e-2f7a8f6f1c11'], query: 'q' }],
    ['top_k above 50', { knowledge_base_ids: [randomUUID()], query: 'q', top_k: 51 }],
    ['an empty query', { knowledge_base_ids: [randomUUID()], query: '' }],
  ])('fails with NODE_CONFIG_INVALID for %s', async (_case, config) => {
    const fake = fakeServices();

    const run = await runSingleNode({ nodeType: knowledgeRetrievalNode, config, services: fake.services });

    expect(run.step('subject').error?.code).toBe('NODE_CONFIG_INVALID');
    expect(fake.calls.searchKnowledge).toHaveLength(0);
  });

  it('fails the step with the code of the service error', async () => {
    const fake = fakeServices({ searchKnowledge: [codedError('KNOWLEDGE_BASE_NOT_FOUND')] });

    const run = await runSingleNode({ nodeType: knowledgeRetrievalNode, config: { knowledge_base_ids: [randomUUID()], query: 'q' }, services: fake.services });

    expect(run.step('subject')).toMatchObject({ status: 'failed', error: { code: 'KNOWLEDGE_BASE_NOT_FOUND' } });
  });

  it('aborts the search when the execution is cancelled', async () => {
    const controller = new AbortController();
    const fake = fakeServices({ searchKnowledge: [untilAborted] });

    const running = runSingleNode({
      nodeType: knowledgeRetrievalNode,
      config: { knowledge_base_ids: [randomUUID()], query: 'q' },
      services: fake.services,
      signal: controller.signal,
    });
    await vi.waitFor(() => expect(fake.calls.searchKnowledge).toHaveLength(1));
    controller.abort();
    const run = await running;

    expect(fake.calls.searchKnowledge[0]!.signal.aborted).toBe(true);
    expect(run.step('subject')).toMatchObject({ status: 'failed', error: { code: 'RUN_CANCELLED' } });
  });
});
