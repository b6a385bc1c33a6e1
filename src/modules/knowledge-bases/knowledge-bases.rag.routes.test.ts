import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createModelConfig } from '../../test-kit/factories.js';
import { addDocument, bases, createKnowledgeBase, getKnowledgeBase, send, testApp, useKnowledgeApp, user, waitForIngestion } from '../../test-kit/knowledge.js';
import { useModelServer } from '../../test-kit/use-model-server.js';

/** The RAG and search routes through app.inject: refusals before any model is called, and reranking. */
const server = useModelServer();

describe('knowledge base routes', () => {
  useKnowledgeApp();

  describe('RAG and rerank', () => {
    it('answers 422 MODEL_NOT_CONFIGURED for RAG without any chat model, calling nothing', async () => {
      const base = await createKnowledgeBase(testApp, user);
      const added = await addDocument(testApp, user, base.id, { source: 'text', name: 'a.txt', text: 'Tides rise twice a day.' });
      await waitForIngestion(testApp, user, base.id, added.id);

      const response = await send('POST', `${bases}/${base.id}/rag`, { payload: { query: 'How often do tides rise?' } });

      expect(response.statusCode).toBe(422);
      expect(response.json().error).toBe('MODEL_NOT_CONFIGURED');
      expect(server.requests).toHaveLength(0);
      const runs = await send('GET', '/api/v1/runs');
      expect(runs.json().total).toBe(0);
    });

    it('answers 404 for RAG with an unknown chat model config', async () => {
      const base = await createKnowledgeBase(testApp, user);

      const response = await send('POST', `${bases}/${base.id}/rag`, { payload: { query: 'Anything?', model_config_id: randomUUID() } });

      expect(response.statusCode).toBe(404);
      expect(response.json().error).toBe('MODEL_CONFIG_NOT_FOUND');
    });

    it('reorders hits by the rerank model and says so', async () => {
      const rerankModel = await createModelConfig(testApp, user, { name: 'Reranker', kind: 'rerank', model_name: 'test-rerank-model', base_url: server.baseUrl });
      const base = await createKnowledgeBase(testApp, user, { retrieval: { rerank_model_config_id: rerankModel.id } });
      const texts = ['Otters float on their backs.', 'Sea otters hold hands while sleeping.', 'River otters dig burrows near water.'];
      for (const [index, text] of texts.entries()) {
        const added = await addDocument(testApp, user, base.id, { source: 'text', name: `otter-${index}.txt`, text });
        await waitForIngestion(testApp, user, base.id, added.id);
      }
      server.enqueueRerank({
        results: [
          { index: 2, relevance_score: 0.91 },
          { index: 0, relevance_score: 0.52 },
          { index: 1, relevance_score: 0.13 },
        ],
      });

      // Keywords only: exactly the three chunks holding "otters" are candidates.
      const response = await send('POST', `${bases}/${base.id}/search`, { payload: { query: 'otters', hybrid_weight: 0 } });

      expect(response.statusCode).toBe(200);
      const rerankRequests = server.requests.filter((request) => request.path === '/v1/rerank');
      expect(rerankRequests).toHaveLength(1);
      const sent = rerankRequests[0]!.body as unknown as { model: string; query: string; documents: string[] };
      expect(sent.model).toBe('test-rerank-model');
      expect(sent.query).toBe('otters');
      expect([...sent.documents].sort()).toEqual([...texts].sort());
      const body = response.json() as { reranked: boolean; items: Array<{ content: string; score: number }> };
      expect(body.reranked).toBe(true);
      expect(body.items.map((item) => item.content)).toEqual([sent.documents[2], sent.documents[0], sent.documents[1]]);
      expect(body.items.map((item) => item.score)).toEqual([0.91, 0.52, 0.13]);
    });

    it('skips the rerank model when the request says rerank: false', async () => {
      const rerankModel = await createModelConfig(testApp, user, { name: 'Reranker', kind: 'rerank', model_name: 'test-rerank-model', base_url: server.baseUrl });
      const base = await createKnowledgeBase(testApp, user, { retrieval: { rerank_model_config_id: rerankModel.id } });
      const added = await addDocument(testApp, user, base.id, { source: 'text', name: 'a.txt', text: 'Badgers live in setts.' });
      await waitForIngestion(testApp, user, base.id, added.id);

      const response = await send('POST', `${bases}/${base.id}/search`, { payload: { query: 'badgers', rerank: false } });

      expect(response.json().reranked).toBe(false);
      expect(response.json().items).toHaveLength(1);
      expect(server.requests.filter((request) => request.path === '/v1/rerank')).toHaveLength(0);
    });

    it('answers 404 when the rerank model config is unknown', async () => {
      const base = await createKnowledgeBase(testApp, user);

      const response = await send('PUT', `${bases}/${base.id}`, { payload: { retrieval: { rerank_model_config_id: randomUUID() } } });

      expect(response.statusCode).toBe(404);
      expect(response.json().error).toBe('MODEL_CONFIG_NOT_FOUND');
      expect((await getKnowledgeBase(testApp, user, base.id)).chunk_count).toBe(0);
    });
  });
});
