import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { knowledgeChunks, knowledgeDocuments } from '../../platform/db/schema/index.js';
import { addDocument, addDocumentsAndWait, createEmbeddingModel, createKnowledgeBase, embeddedTexts, embeddingRequests, getKnowledgeBase, inPipelineOrder, searchKnowledgeBase, send, testApp, useKnowledgeApp, user, waitForIngestion, workspace } from '../../test-kit/knowledge.js';
import { useModelServer } from '../../test-kit/use-model-server.js';

/**
 * Changing indexed documents through the HTTP API: re-indexing when the embedder or the chunking
 * of a base changes (or on request), and deleting a document or a whole base.
 */
const server = useModelServer();
const LOCAL_DIMENSIONS = 384;
const SERVER_DIMENSIONS = 8;

describe('knowledge documents (default settings)', () => {
  useKnowledgeApp();

  describe('re-indexing', () => {
    async function twoIndexedDocuments(baseId: string) {
      return addDocumentsAndWait(testApp, user, baseId, [
        { source: 'text', name: 'ferry.txt', text: 'The ferry to the island runs hourly.' },
        { source: 'text', name: 'museum.txt', text: 'The museum is closed on Mondays.' },
      ]);
    }

    it('re-embeds every document with the new model when the base moves from the local embedder to a config', async () => {
      const base = await createKnowledgeBase(testApp, user);
      const documents = await twoIndexedDocuments(base.id);
      const before = await getKnowledgeBase(testApp, user, base.id);
      const model = await createEmbeddingModel(testApp, user, server.baseUrl);

      const updated = await send('PUT', `/api/v1/knowledge-bases/${base.id}`, { payload: { embedding_model_config_id: model.id } });
      const results = [];
      for (const document of documents) results.push(await waitForIngestion(testApp, user, base.id, document.id));

      expect(before).toMatchObject({ embedding_dimensions: LOCAL_DIMENSIONS, chunk_count: 2 });
      expect(embeddingRequests(server)).not.toHaveLength(0);
      expect(updated.statusCode).toBe(200);
      expect(updated.json()).toMatchObject({
        embedding_model_config_id: model.id,
        embedding_model: 'openai-compatible/test-embedding-model',
      });
      for (const { document, seen } of results) {
        expect(document.status).toBe('indexed');
        expect(seen.at(-1)).toBe('indexed');
        expect(inPipelineOrder(seen)).toBe(true);
      }
      expect(embeddedTexts(server).sort()).toEqual(['The ferry to the island runs hourly.', 'The museum is closed on Mondays.']);
      const after = await getKnowledgeBase(testApp, user, base.id);
      expect(after).toMatchObject({ embedding_dimensions: SERVER_DIMENSIONS, chunk_count: 2, documents_by_status: { indexed: 2 } });
      const found = await searchKnowledgeBase(testApp, user, base.id, { query: 'ferry island' });
      expect(found.items[0]!.document_id).toBe(documents[0]!.id);
      expect(embeddedTexts(server).at(-1)).toBe('ferry island');
    });

    it('forgets the dimensions and re-embeds locally when the base moves from a config to the local embedder', async () => {
      const model = await createEmbeddingModel(testApp, user, server.baseUrl);
      const base = await createKnowledgeBase(testApp, user, { embedding_model_config_id: model.id });
      const documents = await twoIndexedDocuments(base.id);
      const before = await getKnowledgeBase(testApp, user, base.id);
      const requestsBefore = embeddingRequests(server).length;

      const updated = await send('PUT', `/api/v1/knowledge-bases/${base.id}`, { payload: { embedding_model_config_id: null } });
      for (const document of documents) await waitForIngestion(testApp, user, base.id, document.id);

      expect(before.embedding_dimensions).toBe(SERVER_DIMENSIONS);
      expect(requestsBefore).toBe(2);
      expect(updated.statusCode).toBe(200);
      expect(updated.json()).toMatchObject({ embedding_model_config_id: null, embedding_model: 'tiangong/local-lexical-384' });
      const after = await getKnowledgeBase(testApp, user, base.id);
      expect(after).toMatchObject({ embedding_dimensions: LOCAL_DIMENSIONS, chunk_count: 2, documents_by_status: { indexed: 2 } });
      await searchKnowledgeBase(testApp, user, base.id, { query: 'museum' });
      expect(embeddingRequests(server)).toHaveLength(requestsBefore);
    });

    it('re-chunks every document from its stored text when the chunking changes', async () => {
      const text = Array.from({ length: 30 }, (_, index) => `Entry ${index} of the lighthouse keeper's log notes calm seas.`).join(' ');
      await workspace().write('uploads/log.txt', text);
      const base = await createKnowledgeBase(testApp, user);
      const added = await addDocument(testApp, user, base.id, { source: 'upload', path: 'uploads/log.txt' });
      const first = await waitForIngestion(testApp, user, base.id, added.id);
      // The source is gone: re-chunking must work from the text read the first time.
      await workspace().delete('uploads/log.txt');

      const updated = await send('PUT', `/api/v1/knowledge-bases/${base.id}`, { payload: { chunking: { chunk_size: 150, chunk_overlap: 0 } } });
      const second = await waitForIngestion(testApp, user, base.id, added.id);

      expect(updated.statusCode).toBe(200);
      expect(updated.json().chunking).toEqual({ chunk_size: 150, chunk_overlap: 0, separators: [] });
      expect(second.document.status).toBe('indexed');
      expect(second.document.progress.chunks_total).toBeGreaterThan(first.document.progress.chunks_total);
      const details = await getKnowledgeBase(testApp, user, base.id);
      expect(details.chunk_count).toBe(second.document.progress.chunks_total);
      expect(details.embedding_dimensions).toBe(LOCAL_DIMENSIONS);
      const found = await searchKnowledgeBase(testApp, user, base.id, { query: 'lighthouse keeper log', top_k: 50 });
      expect(found.items).toHaveLength(details.chunk_count);
      expect(found.items.every((item) => item.content.length <= 150)).toBe(true);
    });

    it('does not re-index when only the name and retrieval settings change', async () => {
      const model = await createEmbeddingModel(testApp, user, server.baseUrl);
      const base = await createKnowledgeBase(testApp, user, { embedding_model_config_id: model.id });
      const [document] = await twoIndexedDocuments(base.id);
      const requestsBefore = embeddingRequests(server).length;

      const updated = await send('PUT', `/api/v1/knowledge-bases/${base.id}`, { payload: { name: 'Renamed', retrieval: { top_k: 3 } } });
      const read = await send('GET', `/api/v1/knowledge-bases/${base.id}/documents/${document!.id}`);

      expect(updated.statusCode).toBe(200);
      expect(updated.json()).toMatchObject({ name: 'Renamed', retrieval: { top_k: 3 }, embedding_dimensions: SERVER_DIMENSIONS, chunk_count: 2 });
      expect(read.json().status).toBe('indexed');
      expect(embeddingRequests(server)).toHaveLength(requestsBefore);
    });

    it('ingests one document again with POST .../reindex after a failure', async () => {
      const model = await createEmbeddingModel(testApp, user, server.baseUrl);
      server.enqueueEmbeddings({ error: { status: 400, message: 'Temporarily refused' } });
      const base = await createKnowledgeBase(testApp, user, { embedding_model_config_id: model.id });
      const added = await addDocument(testApp, user, base.id, { source: 'text', name: 'retry.txt', text: 'Kites fly best on the western dunes.' });
      const failed = await waitForIngestion(testApp, user, base.id, added.id);

      const reindexed = await send('POST', `/api/v1/knowledge-bases/${base.id}/documents/${added.id}/reindex`);
      const { document } = await waitForIngestion(testApp, user, base.id, added.id);

      expect(failed.document.status).toBe('failed');
      expect(reindexed.statusCode).toBe(202);
      expect(reindexed.json()).toMatchObject({ id: added.id, error: null, attempts: 0 });
      expect(reindexed.json().status).not.toBe('failed');
      expect(document.status).toBe('indexed');
      expect(embeddedTexts(server)).toEqual(['Kites fly best on the western dunes.', 'Kites fly best on the western dunes.']);
      const found = await searchKnowledgeBase(testApp, user, base.id, { query: 'kites dunes' });
      expect(found.items[0]!.document_id).toBe(added.id);
    });
  });

  describe('deletion', () => {
    it('removes a deleted document from search and from the chunk count', async () => {
      const base = await createKnowledgeBase(testApp, user);
      const [, removed] = await addDocumentsAndWait(testApp, user, base.id, [
        { source: 'text', name: 'kept.txt', text: 'Pelicans nest on the southern cliffs.' },
        { source: 'text', name: 'removed.txt', text: 'Flamingos wade in the salt lagoon.' },
      ]);
      const before = await searchKnowledgeBase(testApp, user, base.id, { query: 'flamingos lagoon', hybrid_weight: 0 });

      const deleted = await send('DELETE', `/api/v1/knowledge-bases/${base.id}/documents/${removed.id}`);

      expect(before.items.map((item) => item.document_id)).toEqual([removed.id]);
      expect(deleted.statusCode).toBe(204);
      expect((await send('GET', `/api/v1/knowledge-bases/${base.id}/documents/${removed.id}`)).statusCode).toBe(404);
      const after = await searchKnowledgeBase(testApp, user, base.id, { query: 'flamingos lagoon' });
      expect(after.items.map((item) => item.document_id)).not.toContain(removed.id);
      expect(await getKnowledgeBase(testApp, user, base.id)).toMatchObject({ document_count: 1, chunk_count: 1, documents_by_status: { indexed: 1 } });
    });

    it('removes the base with every document and chunk', async () => {
      const base = await createKnowledgeBase(testApp, user);
      const added = await addDocument(testApp, user, base.id, { source: 'text', name: 'doomed.txt', text: 'Everything here will be deleted.' });
      await waitForIngestion(testApp, user, base.id, added.id);
      const { db } = testApp.container.database;

      const deleted = await send('DELETE', `/api/v1/knowledge-bases/${base.id}`);

      expect(deleted.statusCode).toBe(204);
      const read = await send('GET', `/api/v1/knowledge-bases/${base.id}`);
      expect(read.statusCode).toBe(404);
      expect(read.json().error).toBe('KNOWLEDGE_BASE_NOT_FOUND');
      expect((await send('GET', `/api/v1/knowledge-bases/${base.id}/documents`)).statusCode).toBe(404);
      const [documents] = await db.select({ total: count() }).from(knowledgeDocuments).where(eq(knowledgeDocuments.knowledgeBaseId, base.id));
      const [chunks] = await db.select({ total: count() }).from(knowledgeChunks).where(eq(knowledgeChunks.knowledgeBaseId, base.id));
      expect(documents!.total).toBe(0);
      expect(chunks!.total).toBe(0);
    });
  });
});
