import { describe, expect, it } from 'vitest';
import { corruptDocxFixture, corruptPdfFixture } from '../../test-kit/document-fixtures.js';
import { addDocument, createEmbeddingModel, createKnowledgeBase, embeddedTexts, embeddingRequests, getKnowledgeBase, inPipelineOrder, testApp, useKnowledgeApp, user, waitForIngestion, workspace } from '../../test-kit/knowledge.js';
import { defaultEmbedding } from '../../test-kit/model-server/index.js';
import { useModelServer } from '../../test-kit/use-model-server.js';

/**
 * The ingestion of a document through the HTTP API: the state machine and its failures, and
 * embeddings from a provider (rate limits, retries and their budget, refusals).
 */
const server = useModelServer();
const SERVER_DIMENSIONS = 8;

describe('knowledge documents (default settings)', () => {
  useKnowledgeApp();

  describe('the ingestion state machine', () => {
    it('walks pending -> parsing -> chunking -> embedding -> indexed with progress', async () => {
      const text = 'Lanterns are lit at the harbour every evening.';
      const model = await createEmbeddingModel(testApp, user, server.baseUrl);
      // A slow embeddings answer keeps the document in `embedding` long enough to be seen.
      server.enqueueEmbeddings({ embeddings: [defaultEmbedding(text, SERVER_DIMENSIONS)], delayMs: 300 });
      const base = await createKnowledgeBase(testApp, user, { embedding_model_config_id: model.id });

      const added = await addDocument(testApp, user, base.id, { source: 'text', name: 'harbour.txt', text });
      const { document, seen } = await waitForIngestion(testApp, user, base.id, added.id);

      expect(added.status).toBe('pending');
      expect(seen).toContain('embedding');
      expect(seen.at(-1)).toBe('indexed');
      expect(inPipelineOrder(seen)).toBe(true);
      expect(document.progress).toEqual({ chunks_done: 1, chunks_total: 1 });
      expect(document.indexed_at).not.toBeNull();
      expect(embeddedTexts(server)).toEqual([text]);
    });

    it.each([
      { kind: 'corrupt PDF', path: 'uploads/broken.pdf', bytes: corruptPdfFixture() },
      { kind: 'corrupt DOCX', path: 'uploads/broken.docx', bytes: corruptDocxFixture() },
    ])('fails a $kind with DOCUMENT_CORRUPT and stores no chunks', async ({ path, bytes }) => {
      await workspace().write(path, bytes);
      const base = await createKnowledgeBase(testApp, user);

      const added = await addDocument(testApp, user, base.id, { source: 'upload', path });
      const { document, seen } = await waitForIngestion(testApp, user, base.id, added.id);

      expect(document.status).toBe('failed');
      expect(document.error?.code).toBe('DOCUMENT_CORRUPT');
      expect(document.progress).toEqual({ chunks_done: 0, chunks_total: 0 });
      expect(seen).not.toContain('embedding');
      const details = await getKnowledgeBase(testApp, user, base.id);
      expect(details.chunk_count).toBe(0);
      expect(details.documents_by_status).toEqual({ failed: 1 });
    });

    it('fails a document with no text with DOCUMENT_EMPTY', async () => {
      const base = await createKnowledgeBase(testApp, user);

      const added = await addDocument(testApp, user, base.id, { source: 'text', name: 'blank.txt', text: '  \n\t \n ' });
      const { document } = await waitForIngestion(testApp, user, base.id, added.id);

      expect(document.status).toBe('failed');
      expect(document.error?.code).toBe('DOCUMENT_EMPTY');
      expect((await getKnowledgeBase(testApp, user, base.id)).chunk_count).toBe(0);
    });
  });

  describe('embeddings from a model config', () => {
    it('retries a rate-limited batch and indexes the document, counting the retry', async () => {
      const text = 'Glacier tours leave from the north gate at dawn.';
      const model = await createEmbeddingModel(testApp, user, server.baseUrl);
      server.enqueueEmbeddings({ error: { status: 429, message: 'Slow down, too many requests', retryAfterSeconds: 1 } });
      const base = await createKnowledgeBase(testApp, user, { embedding_model_config_id: model.id });

      const added = await addDocument(testApp, user, base.id, { source: 'text', name: 'tours.txt', text });
      const { document } = await waitForIngestion(testApp, user, base.id, added.id);

      expect(document.status).toBe('indexed');
      expect(document.attempts).toBe(1);
      const requests = embeddingRequests(server);
      expect(requests).toHaveLength(2);
      expect(requests.map((request) => request.body?.model)).toEqual(['test-embedding-model', 'test-embedding-model']);
      expect(embeddedTexts(server)).toEqual([text, text]);
      const details = await getKnowledgeBase(testApp, user, base.id);
      expect(details).toMatchObject({ embedding_model: 'openai-compatible/test-embedding-model', embedding_dimensions: SERVER_DIMENSIONS, chunk_count: 1 });
    });

    it('fails at once, without a retry, when the provider refuses the request (400)', async () => {
      const model = await createEmbeddingModel(testApp, user, server.baseUrl);
      server.enqueueEmbeddings({ error: { status: 400, message: 'Input is not valid for this model' } });
      const base = await createKnowledgeBase(testApp, user, { embedding_model_config_id: model.id });

      const added = await addDocument(testApp, user, base.id, { source: 'text', name: 'bad.txt', text: 'Anything at all.' });
      const { document } = await waitForIngestion(testApp, user, base.id, added.id);

      expect(document.status).toBe('failed');
      expect(document.attempts).toBe(0);
      expect(document.error?.code).toBe('EMBEDDING_FAILED');
      expect(document.error?.message).toContain('HTTP 400');
      expect(document.error?.message).toContain('Input is not valid for this model');
      expect(embeddingRequests(server)).toHaveLength(1);
      expect((await getKnowledgeBase(testApp, user, base.id)).chunk_count).toBe(0);
    });
  });
});

describe('knowledge documents (an embedding retry budget of 2)', () => {
  useKnowledgeApp({ env: { KNOWLEDGE_EMBEDDING_RETRIES: '2' } });

  it('fails with the provider message once rate limits outlast the retries', async () => {
    const model = await createEmbeddingModel(testApp, user, server.baseUrl);
    const rateLimited = { error: { status: 429, message: 'Quota exhausted for this minute', retryAfterSeconds: 1 } };
    server.enqueueEmbeddings(rateLimited, rateLimited, rateLimited);
    const base = await createKnowledgeBase(testApp, user, { embedding_model_config_id: model.id });

    const added = await addDocument(testApp, user, base.id, { source: 'text', name: 'busy.txt', text: 'Busy provider, patient ingestion.' });
    const { document } = await waitForIngestion(testApp, user, base.id, added.id);

    expect(document.status).toBe('failed');
    expect(document.attempts).toBe(2);
    expect(document.error?.code).toBe('EMBEDDING_FAILED');
    expect(document.error?.message).toContain('HTTP 429');
    expect(document.error?.message).toContain('Quota exhausted for this minute');
    expect(embeddingRequests(server)).toHaveLength(3);
    expect((await getKnowledgeBase(testApp, user, base.id)).chunk_count).toBe(0);
  });
});
