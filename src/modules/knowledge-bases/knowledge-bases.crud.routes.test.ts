import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createModelConfig, createUser } from '../../test-kit/factories.js';
import { addDocument, addDocumentsAndWait, bases, createEmbeddingModel, createKnowledgeBase, getKnowledgeBase, send, testApp, useKnowledgeApp, user, waitForIngestion } from '../../test-kit/knowledge.js';
import { useModelServer } from '../../test-kit/use-model-server.js';

/** The knowledge base and document routes through app.inject: create, read, list, update, delete. */
const server = useModelServer();

describe('knowledge base routes', () => {
  useKnowledgeApp();

  describe('create, read, list, update, delete', () => {
    it('creates a base with the default settings shown', async () => {
      const response = await send('POST', bases, { payload: { name: '  Handbook  ' } });

      expect(response.statusCode).toBe(201);
      expect(response.json()).toEqual({
        id: expect.any(String),
        name: 'Handbook',
        description: '',
        embedding_model_config_id: null,
        embedding_model: 'tiangong/local-lexical-384',
        embedding_dimensions: null,
        chunking: { chunk_size: 500, chunk_overlap: 50, separators: [] },
        retrieval: { top_k: 5, score_threshold: 0, hybrid_weight: 0.7, rerank_model_config_id: null },
        document_count: 0,
        chunk_count: 0,
        documents_by_status: {},
        vector_store: testApp.container.services.vectors.kind,
        owner_id: user.id,
        created_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-01-01T00:00:00.000Z',
      });
      const read = await send('GET', `${bases}/${response.json().id}`);
      expect(read.statusCode).toBe(200);
      expect(read.json()).toEqual(response.json());
    });

    it("uses the caller's default embedding model when none is named", async () => {
      const model = await createModelConfig(testApp, user, {
        name: 'Default embedder',
        kind: 'embedding',
        model_name: 'test-embedding-model',
        base_url: server.baseUrl,
        is_default: true,
      });

      const implicit = await send('POST', bases, { payload: { name: 'Implicit' } });
      const local = await send('POST', bases, { payload: { name: 'Local', embedding_model_config_id: null } });

      expect(implicit.json()).toMatchObject({ embedding_model_config_id: model.id, embedding_model: 'openai-compatible/test-embedding-model' });
      expect(local.json()).toMatchObject({ embedding_model_config_id: null, embedding_model: 'tiangong/local-lexical-384' });
    });

    it('refuses a duplicate name with 409, but another user may use it', async () => {
      await createKnowledgeBase(testApp, user, { name: 'Research' });
      const stranger = await createUser(testApp);

      const duplicate = await send('POST', bases, { payload: { name: 'Research' } });
      const theirs = await send('POST', bases, { payload: { name: 'Research' }, owner: stranger });

      expect(duplicate.statusCode).toBe(409);
      expect(duplicate.json().error).toBe('KNOWLEDGE_BASE_NAME_TAKEN');
      expect(theirs.statusCode).toBe(201);
      expect((await send('GET', bases)).json().total).toBe(1);
    });

    it("lists only the caller's bases, newest first, with search and pages", async () => {
      const stranger = await createUser(testApp);
      await createKnowledgeBase(testApp, stranger, { name: 'Stranger handbook' });
      const names = ['Alpha handbook', 'Beta notes', 'Gamma handbook', 'Delta'];
      for (const name of names) {
        await createKnowledgeBase(testApp, user, { name, description: name === 'Delta' ? 'The staff handbook, abridged' : '' });
        testApp.clock.advance(1000);
      }

      const firstPage = await send('GET', `${bases}?page=1&page_size=2`);
      const secondPage = await send('GET', `${bases}?page=2&page_size=2`);
      const searched = await send('GET', `${bases}?search=HANDBOOK`);

      expect(firstPage.statusCode).toBe(200);
      expect(firstPage.json()).toMatchObject({ total: 4, page: 1, page_size: 2 });
      expect(firstPage.json().items.map((item: { name: string }) => item.name)).toEqual(['Delta', 'Gamma handbook']);
      expect(secondPage.json().items.map((item: { name: string }) => item.name)).toEqual(['Beta notes', 'Alpha handbook']);
      expect(searched.json().total).toBe(3);
      expect(searched.json().items.map((item: { name: string }) => item.name)).toEqual(['Delta', 'Gamma handbook', 'Alpha handbook']);
    });

    it('shows document and chunk counts in the list and details', async () => {
      const base = await createKnowledgeBase(testApp, user);
      const added = await addDocument(testApp, user, base.id, { source: 'text', name: 'one.txt', text: 'A single short document.' });
      await waitForIngestion(testApp, user, base.id, added.id);

      const listed = (await send('GET', bases)).json().items[0];

      expect(listed).toMatchObject({ id: base.id, document_count: 1, chunk_count: 1, documents_by_status: { indexed: 1 }, embedding_dimensions: 384 });
    });

    it('updates name, description, chunking and retrieval', async () => {
      const base = await createKnowledgeBase(testApp, user, { name: 'Before' });
      testApp.clock.advance(60_000);

      const response = await send('PUT', `${bases}/${base.id}`, {
        payload: { name: 'After', description: 'Now described', chunking: { chunk_overlap: 10 }, retrieval: { top_k: 8, hybrid_weight: 0.5 } },
      });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        name: 'After',
        description: 'Now described',
        chunking: { chunk_size: 500, chunk_overlap: 10, separators: [] },
        retrieval: { top_k: 8, score_threshold: 0, hybrid_weight: 0.5, rerank_model_config_id: null },
        created_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-01-01T00:01:00.000Z',
      });
      expect(await getKnowledgeBase(testApp, user, base.id)).toMatchObject({ name: 'After' });
    });

    it('refuses to rename onto another base with 409 and leaves both unchanged', async () => {
      const first = await createKnowledgeBase(testApp, user, { name: 'First' });
      await createKnowledgeBase(testApp, user, { name: 'Second' });

      const response = await send('PUT', `${bases}/${first.id}`, { payload: { name: 'Second', description: 'changed' } });
      const keepsOwnName = await send('PUT', `${bases}/${first.id}`, { payload: { name: 'First' } });

      expect(response.statusCode).toBe(409);
      expect(response.json().error).toBe('KNOWLEDGE_BASE_NAME_TAKEN');
      expect(keepsOwnName.statusCode).toBe(200);
      const names = (await send('GET', bases)).json().items.map((item: { name: string; description: string }) => `${item.name}:${item.description}`);
      expect(names.sort()).toEqual(['First:', 'Second:']);
    });

    it.each([
      { label: 'in one update', payload: { chunking: { chunk_size: 200, chunk_overlap: 200 } } },
      { label: 'against the stored size', payload: { chunking: { chunk_overlap: 500 } } },
    ])('refuses chunk_overlap >= chunk_size $label with 422', async ({ payload }) => {
      const base = await createKnowledgeBase(testApp, user);

      const response = await send('PUT', `${bases}/${base.id}`, { payload });

      expect(response.statusCode).toBe(422);
      expect(response.json().error).toBe('VALIDATION_ERROR');
      expect(JSON.stringify(response.json().details)).toContain('chunk_overlap');
      expect((await getKnowledgeBase(testApp, user, base.id)).chunking).toEqual({ chunk_size: 500, chunk_overlap: 50, separators: [] });
    });

    it('refuses chunk_overlap >= chunk_size at creation with 422', async () => {
      const response = await send('POST', bases, { payload: { name: 'Bad chunks', chunking: { chunk_size: 100, chunk_overlap: 100 } } });

      expect(response.statusCode).toBe(422);
      expect((await send('GET', bases)).json().total).toBe(0);
    });

    it('answers 404 for an unknown embedding model config and 422 for a chat config, changing nothing', async () => {
      const base = await createKnowledgeBase(testApp, user, { name: 'Stable' });
      const chat = await createModelConfig(testApp, user, { base_url: server.baseUrl });

      const unknown = await send('PUT', `${bases}/${base.id}`, { payload: { name: 'Renamed', embedding_model_config_id: randomUUID() } });
      const wrongKind = await send('PUT', `${bases}/${base.id}`, { payload: { name: 'Renamed', embedding_model_config_id: chat.id } });
      const createdWithChat = await send('POST', bases, { payload: { name: 'Chatty', embedding_model_config_id: chat.id } });
      const rerankWithChat = await send('POST', bases, { payload: { name: 'Chatty', retrieval: { rerank_model_config_id: chat.id } } });

      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error).toBe('MODEL_CONFIG_NOT_FOUND');
      expect(wrongKind.statusCode).toBe(422);
      expect(wrongKind.json().error).toBe('MODEL_KIND_MISMATCH');
      expect(createdWithChat.statusCode).toBe(422);
      expect(createdWithChat.json().error).toBe('MODEL_KIND_MISMATCH');
      expect(rerankWithChat.statusCode).toBe(422);
      expect(rerankWithChat.json().error).toBe('MODEL_KIND_MISMATCH');
      expect(await getKnowledgeBase(testApp, user, base.id)).toMatchObject({ name: 'Stable', embedding_model_config_id: null });
      expect((await send('GET', bases)).json().total).toBe(1);
    });

    it("refuses another user's model config as the embedding model with 404", async () => {
      const stranger = await createUser(testApp);
      const theirs = await createEmbeddingModel(testApp, stranger, server.baseUrl);

      const response = await send('POST', bases, { payload: { name: 'Borrowed', embedding_model_config_id: theirs.id } });

      expect(response.statusCode).toBe(404);
      expect(response.json().error).toBe('MODEL_CONFIG_NOT_FOUND');
    });

    it('deletes a base, after which it is not found', async () => {
      const base = await createKnowledgeBase(testApp, user);

      const deleted = await send('DELETE', `${bases}/${base.id}`);
      const again = await send('DELETE', `${bases}/${base.id}`);

      expect(deleted.statusCode).toBe(204);
      expect(deleted.body).toBe('');
      expect(again.statusCode).toBe(404);
      expect((await send('GET', `${bases}/${base.id}`)).statusCode).toBe(404);
    });
  });

  describe('documents', () => {
    it('lists documents with status and name filters', async () => {
      const base = await createKnowledgeBase(testApp, user);
      const [good, empty] = await addDocumentsAndWait(testApp, user, base.id, [
        { source: 'text', name: 'good.txt', text: 'Readable text.' },
        { source: 'text', name: 'empty.txt', text: ' ' },
      ]);

      const failed = (await send('GET', `${bases}/${base.id}/documents?status=failed`)).json();
      const named = (await send('GET', `${bases}/${base.id}/documents?search=GOOD`)).json();

      expect(failed.items.map((item: { id: string }) => item.id)).toEqual([empty.id]);
      expect(named.items.map((item: { id: string }) => item.id)).toEqual([good.id]);
    });

    it('answers 404 DOCUMENT_NOT_FOUND for a document of another base of the same user', async () => {
      const first = await createKnowledgeBase(testApp, user);
      const second = await createKnowledgeBase(testApp, user);
      const added = await addDocument(testApp, user, first.id, { source: 'text', name: 'a.txt', text: 'Some text.' });
      await waitForIngestion(testApp, user, first.id, added.id);

      const read = await send('GET', `${bases}/${second.id}/documents/${added.id}`);
      const deleted = await send('DELETE', `${bases}/${second.id}/documents/${added.id}`);
      const reindexed = await send('POST', `${bases}/${second.id}/documents/${added.id}/reindex`);

      for (const response of [read, deleted, reindexed]) {
        expect(response.statusCode).toBe(404);
        expect(response.json().error).toBe('DOCUMENT_NOT_FOUND');
      }
      expect((await send('GET', `${bases}/${first.id}/documents/${added.id}`)).json().status).toBe('indexed');
    });
  });
});
