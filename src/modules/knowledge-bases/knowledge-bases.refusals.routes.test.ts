import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createUser } from '../../test-kit/factories.js';
import { addDocument, bases, createKnowledgeBase, getKnowledgeBase, type KnowledgeMethod, send, testApp, useKnowledgeApp, user, waitForIngestion } from '../../test-kit/knowledge.js';
import { useModelServer } from '../../test-kit/use-model-server.js';

/** The knowledge base and document routes through app.inject: 401, 404 across users, 4xx for bad input. */
const server = useModelServer();

/** Every route of the module, for a base and a document of it. */
function everyRoute(baseId: string, documentId: string): Array<{ method: KnowledgeMethod; url: string; payload?: object }> {
  return [
    { method: 'GET', url: `${bases}/${baseId}` },
    { method: 'PUT', url: `${bases}/${baseId}`, payload: { name: 'Taken over' } },
    { method: 'DELETE', url: `${bases}/${baseId}` },
    { method: 'GET', url: `${bases}/${baseId}/documents` },
    { method: 'POST', url: `${bases}/${baseId}/documents`, payload: { source: 'text', name: 'planted.txt', text: 'Planted text' } },
    { method: 'GET', url: `${bases}/${baseId}/documents/${documentId}` },
    { method: 'DELETE', url: `${bases}/${baseId}/documents/${documentId}` },
    { method: 'POST', url: `${bases}/${baseId}/documents/${documentId}/reindex` },
    { method: 'POST', url: `${bases}/${baseId}/search`, payload: { query: 'secret' } },
    { method: 'POST', url: `${bases}/${baseId}/rag`, payload: { query: 'secret' } },
  ];
}

async function documentTotal(baseId: string): Promise<number> {
  return (await send('GET', `${bases}/${baseId}/documents`)).json().total;
}

describe('knowledge base routes', () => {
  useKnowledgeApp();

  describe('bad input', () => {
    it.each([
      { label: 'a base id that is not a uuid', method: 'GET' as const, url: `${bases}/not-a-uuid` },
      { label: 'a document id that is not a uuid', method: 'GET' as const, url: `${bases}/${randomUUID()}/documents/12` },
      { label: 'page_size 0', method: 'GET' as const, url: `${bases}?page_size=0` },
      { label: 'an unknown field on create', method: 'POST' as const, url: bases, payload: { name: 'Extra', colour: 'blue' } },
      { label: 'an empty name', method: 'POST' as const, url: bases, payload: { name: '   ' } },
      { label: 'a chunk size under 100', method: 'POST' as const, url: bases, payload: { name: 'Tiny', chunking: { chunk_size: 50, chunk_overlap: 0 } } },
    ])('answers 422 VALIDATION_ERROR for $label', async ({ method, url, payload }) => {
      const response = await send(method, url, payload ? { payload } : {});

      expect(response.statusCode).toBe(422);
      expect(response.json().error).toBe('VALIDATION_ERROR');
      expect((await send('GET', bases)).json().total).toBe(0);
    });

    it.each([
      { label: 'an empty query', body: { query: '   ' }, field: 'query' },
      { label: 'top_k 0', body: { query: 'x', top_k: 0 }, field: 'top_k' },
      { label: 'top_k 51', body: { query: 'x', top_k: 51 }, field: 'top_k' },
      { label: 'hybrid_weight 2', body: { query: 'x', hybrid_weight: 2 }, field: 'hybrid_weight' },
      { label: 'score_threshold -1', body: { query: 'x', score_threshold: -1 }, field: 'score_threshold' },
      { label: 'an unknown field', body: { query: 'x', mode: 'fast' }, field: 'body' },
      { label: 'a filter document id that is not a uuid', body: { query: 'x', filter: { document_ids: ['abc'] } }, field: 'document_ids' },
    ])('answers 422 on search and RAG for $label', async ({ body, field }) => {
      const base = await createKnowledgeBase(testApp, user);

      const search = await send('POST', `${bases}/${base.id}/search`, { payload: body });
      const rag = await send('POST', `${bases}/${base.id}/rag`, { payload: body });

      for (const response of [search, rag]) {
        expect(response.statusCode).toBe(422);
        expect(response.json().error).toBe('VALIDATION_ERROR');
        expect(JSON.stringify(response.json().details)).toContain(field);
      }
      expect(server.requests).toHaveLength(0);
    });

    it.each([
      { label: 'an unknown source', payload: { source: 'ftp', url: 'ftp://example.test/file.txt' } },
      { label: 'a text without a name', payload: { source: 'text', text: 'Nameless' } },
      { label: 'an empty text', payload: { source: 'text', name: 'empty.txt', text: '' } },
      { label: 'an unknown text format', payload: { source: 'text', name: 'a.xml', text: '<a/>', format: 'xml' } },
      { label: 'an ftp URL', payload: { source: 'url', url: 'ftp://example.test/file.txt' } },
      { label: 'an unknown field', payload: { source: 'text', name: 'a.txt', text: 'Text', tags: ['x'] } },
      { label: 'nested metadata', payload: { source: 'text', name: 'a.txt', text: 'Text', metadata: { team: { name: 'x' } } } },
    ])('refuses a document with $label (422) and stores nothing', async ({ payload }) => {
      const base = await createKnowledgeBase(testApp, user);

      const response = await send('POST', `${bases}/${base.id}/documents`, { payload });

      expect(response.statusCode).toBe(422);
      expect(response.json().error).toBe('VALIDATION_ERROR');
      expect(await documentTotal(base.id)).toBe(0);
    });

    it.each(['uploads/missing.pdf', 'uploads', '../../etc/passwd'])('answers 422 UPLOAD_NOT_FOUND for the path %s', async (path) => {
      await testApp.container.services.workspace.forUser(user.id).write('uploads/present.txt', 'Present');
      const base = await createKnowledgeBase(testApp, user);

      const response = await send('POST', `${bases}/${base.id}/documents`, { payload: { source: 'upload', path } });

      expect(response.statusCode).toBe(422);
      expect(response.json().error).toBe('UPLOAD_NOT_FOUND');
      expect(await documentTotal(base.id)).toBe(0);
    });

    it("cannot add another user's upload", async () => {
      const stranger = await createUser(testApp);
      await testApp.container.services.workspace.forUser(stranger.id).write('uploads/theirs.txt', 'Their private notes');
      const base = await createKnowledgeBase(testApp, user);

      const response = await send('POST', `${bases}/${base.id}/documents`, { payload: { source: 'upload', path: 'uploads/theirs.txt' } });

      expect(response.statusCode).toBe(422);
      expect(response.json().error).toBe('UPLOAD_NOT_FOUND');
      expect(await documentTotal(base.id)).toBe(0);
    });

    it.each([
      { path: 'uploads/setup.exe', bytes: Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03]) },
      { path: 'uploads/photo.png', bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
    ])('answers 415 DOCUMENT_TYPE_NOT_SUPPORTED for $path', async ({ path, bytes }) => {
      await testApp.container.services.workspace.forUser(user.id).write(path, bytes);
      const base = await createKnowledgeBase(testApp, user);

      const response = await send('POST', `${bases}/${base.id}/documents`, { payload: { source: 'upload', path } });

      expect(response.statusCode).toBe(415);
      expect(response.json().error).toBe('DOCUMENT_TYPE_NOT_SUPPORTED');
      expect(await documentTotal(base.id)).toBe(0);
    });
  });

  describe('authentication and ownership', () => {
    it('answers 401 without a token on every route', async () => {
      const base = await createKnowledgeBase(testApp, user);
      const added = await addDocument(testApp, user, base.id, { source: 'text', name: 'a.txt', text: 'Some text.' });
      const routes = [{ method: 'GET' as const, url: bases }, { method: 'POST' as const, url: bases, payload: { name: 'Anonymous' } }, ...everyRoute(base.id, added.id)];

      const statuses = [];
      for (const route of routes) {
        const response = await send(route.method, route.url, { ...(route.payload ? { payload: route.payload } : {}), owner: null });
        statuses.push(`${route.method} ${route.url} ${response.statusCode} ${response.json().error}`);
      }

      expect(statuses).toEqual(routes.map((route) => `${route.method} ${route.url} 401 AUTH_REQUIRED`));
      expect(await documentTotal(base.id)).toBe(1);
      expect((await send('GET', bases)).json().total).toBe(1);
    });

    it("answers 404 for another user's base on every route and changes nothing", async () => {
      const stranger = await createUser(testApp);
      const theirs = await createKnowledgeBase(testApp, stranger, { name: 'Private' });
      const document = await addDocument(testApp, stranger, theirs.id, { source: 'text', name: 'secret.txt', text: 'The secret recipe uses saffron.' });
      await waitForIngestion(testApp, stranger, theirs.id, document.id);
      const routes = everyRoute(theirs.id, document.id);

      const statuses = [];
      for (const route of routes) {
        const response = await send(route.method, route.url, route.payload ? { payload: route.payload } : {});
        statuses.push(`${route.method} ${route.url} ${response.statusCode} ${response.json().error}`);
      }

      expect(statuses).toEqual(routes.map((route) => `${route.method} ${route.url} 404 KNOWLEDGE_BASE_NOT_FOUND`));
      expect(await getKnowledgeBase(testApp, stranger, theirs.id)).toMatchObject({
        name: 'Private',
        document_count: 1,
        chunk_count: 1,
        documents_by_status: { indexed: 1 },
      });
      expect(server.requests).toHaveLength(0);
    });
  });
});

describe('knowledge base routes (documents limited to 0.01 MB)', () => {
  useKnowledgeApp({ env: { KNOWLEDGE_MAX_DOCUMENT_MB: '0.01' } });

  it('answers 413 DOCUMENT_TOO_LARGE for a text or an upload over the limit and stores nothing', async () => {
    const large = 'Too long. '.repeat(2000);
    await testApp.container.services.workspace.forUser(user.id).write('uploads/large.txt', large);
    await testApp.container.services.workspace.forUser(user.id).write('uploads/small.txt', 'Small enough.');
    const base = await createKnowledgeBase(testApp, user);

    const text = await send('POST', `${bases}/${base.id}/documents`, { payload: { source: 'text', name: 'large.txt', text: large } });
    const upload = await send('POST', `${bases}/${base.id}/documents`, { payload: { source: 'upload', path: 'uploads/large.txt' } });
    const small = await send('POST', `${bases}/${base.id}/documents`, { payload: { source: 'upload', path: 'uploads/small.txt' } });

    for (const response of [text, upload]) {
      expect(response.statusCode).toBe(413);
      expect(response.json()).toMatchObject({ error: 'DOCUMENT_TOO_LARGE', details: { max_bytes: 10_486 } });
    }
    expect(small.statusCode).toBe(202);
    expect(await documentTotal(base.id)).toBe(1);
  });
});
