import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import { docxFixture, pdfFixture } from '../../test-kit/document-fixtures.js';
import { createAgent, createModelConfig, createUser, type TestUser } from '../../test-kit/factories.js';
import { addDocument, createKnowledgeBase, waitForIngestion } from '../../test-kit/knowledge.js';
import { parseEventStream } from '../../test-kit/sse-client.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';
import { useModelServer } from '../../test-kit/use-model-server.js';

/**
 * The "done when": a user uploads a PDF and a DOCX, watches them index, searches, gets a
 * cited RAG answer, and an agent with the knowledge base answers from it; nobody else's chunks appear.
 */
const server = useModelServer();
let testApp: TestApp;
let user: TestUser;

useAppPerTest((app, owner) => {
  testApp = app;
  user = owner;
});

const refundPolicy = [
  ['Refund policy', 'Customers may return any product within 30 days of delivery for a full refund.'],
  ['Shipping', 'Orders ship from the Hangzhou warehouse within two business days.'],
];
const securityGuide = [
  { heading: 1 as const, text: 'Security guide' },
  'Rotate API keys every 90 days and store them in the secrets vault.',
  'Two-factor authentication is mandatory for administrator accounts.',
];

async function indexedBase(owner: TestUser) {
  const workspace = testApp.container.services.workspace.forUser(owner.id);
  await workspace.write('uploads/policy.pdf', pdfFixture(refundPolicy, { title: 'Policy' }));
  await workspace.write('uploads/security.docx', docxFixture(securityGuide));
  const base = await createKnowledgeBase(testApp, owner, { name: 'Company handbook' });
  const pdf = await addDocument(testApp, owner, base.id, { source: 'upload', path: 'uploads/policy.pdf' });
  const docx = await addDocument(testApp, owner, base.id, { source: 'upload', path: 'uploads/security.docx', metadata: { team: 'security' } });
  return { base, pdf, docx };
}

function post(url: string, payload: object, owner = user) {
  return testApp.app.inject({ method: 'POST', url, headers: owner.headers, payload });
}

describe('knowledge bases: upload, index, search, answer', () => {
  it('indexes a PDF and a DOCX through the visible states, with progress and page numbers', async () => {
    const { base, pdf, docx } = await indexedBase(user);

    expect(pdf.status).toBe('pending');
    const pdfDone = await waitForIngestion(testApp, user, base.id, pdf.id);
    const docxDone = await waitForIngestion(testApp, user, base.id, docx.id);
    const details = (await testApp.app.inject({ method: 'GET', url: `/api/v1/knowledge-bases/${base.id}`, headers: user.headers })).json();
    const list = (await testApp.app.inject({ method: 'GET', url: `/api/v1/knowledge-bases/${base.id}/documents`, headers: user.headers })).json();

    expect(pdfDone.document.status).toBe('indexed');
    expect(docxDone.document.status).toBe('indexed');
    expect(pdfDone.document.format).toBe('pdf');
    expect(docxDone.document.format).toBe('docx');
    expect(pdfDone.document.progress.chunks_done).toBe(pdfDone.document.progress.chunks_total);
    expect(pdfDone.document.progress.chunks_total).toBeGreaterThanOrEqual(2);
    expect(details.document_count).toBe(2);
    expect(details.documents_by_status).toEqual({ indexed: 2 });
    expect(details.chunk_count).toBeGreaterThanOrEqual(3);
    expect(details.embedding_dimensions).toBe(384);
    expect(list.items.map((item: { name: string }) => item.name)).toEqual(['policy.pdf', 'security.docx']);
  });

  it('searches with document names, positions, scores and metadata filters', async () => {
    const { base, pdf, docx } = await indexedBase(user);
    await waitForIngestion(testApp, user, base.id, pdf.id);
    await waitForIngestion(testApp, user, base.id, docx.id);

    const refund = (await post(`/api/v1/knowledge-bases/${base.id}/search`, { query: 'How many days do I have to return a product for a refund?' })).json();
    const filtered = (await post(`/api/v1/knowledge-bases/${base.id}/search`, { query: 'refund', filter: { metadata: { team: 'security' } } })).json();

    expect(refund.items[0]).toMatchObject({ document_name: 'policy.pdf', document_id: pdf.id, metadata: { page: 1 } });
    expect(refund.items[0].content).toContain('30 days');
    expect(refund.items[0].score).toBeGreaterThan(0);
    expect(refund.items[0].vector_score).toBeGreaterThan(0);
    expect(refund.items[0].keyword_score).toBeGreaterThan(0);
    expect(refund.reranked).toBe(false);
    expect(filtered.items.every((item: { document_id: string }) => item.document_id === docx.id)).toBe(true);
  });

  it('answers with RAG, citing the chunks the answer used, and sends the sources to the model', async () => {
    const { base, pdf, docx } = await indexedBase(user);
    await waitForIngestion(testApp, user, base.id, pdf.id);
    await waitForIngestion(testApp, user, base.id, docx.id);
    const model = await createModelConfig(testApp, user, { base_url: server.baseUrl, is_default: true });
    server.enqueue({ text: 'You can return a product within 30 days [1].' });

    const response = await post(`/api/v1/knowledge-bases/${base.id}/rag`, { query: 'How long is the refund window?', model_config_id: model.id });

    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.answer).toBe('You can return a product within 30 days [1].');
    expect(body.citations).toHaveLength(1);
    expect(body.citations[0]).toMatchObject({ number: 1, document_name: 'policy.pdf' });
    expect(body.citations[0].content).toContain('30 days');
    expect(body.sources.length).toBeGreaterThanOrEqual(1);
    const sent = server.requests.find((request) => request.path === '/v1/chat/completions')!.body as { messages: Array<{ role: string; content: string }> };
    expect(sent.messages[0]!.role).toBe('system');
    expect(sent.messages[0]!.content).toContain('[1]');
    expect(sent.messages[0]!.content).toContain('30 days of delivery');
    expect(sent.messages.at(-1)).toEqual({ role: 'user', content: 'How long is the refund window?' });
    const run = (await testApp.app.inject({ method: 'GET', url: `/api/v1/runs/${body.run_id}`, headers: user.headers })).json();
    expect(run).toMatchObject({ kind: 'rag', status: 'succeeded' });
  });

  it('streams a RAG answer: retrieval, tokens, done with citations', async () => {
    const { base, pdf } = await indexedBase(user);
    await waitForIngestion(testApp, user, base.id, pdf.id);
    await createModelConfig(testApp, user, { base_url: server.baseUrl, is_default: true });
    server.enqueue({ text: 'Orders ship within two business days [2].' });

    const response = await post(`/api/v1/knowledge-bases/${base.id}/rag`, { query: 'When do orders ship from the warehouse?', stream: true, top_k: 2 });

    const events = parseEventStream(response.body);
    expect(events.map((event) => event.event)).toEqual(expect.arrayContaining(['retrieval', 'token', 'done']));
    expect(events[0]!.event).toBe('retrieval');
    const done = events.at(-1)!.data as { citations: Array<{ number: number; content: string }>; run_id: string };
    expect(done.citations.map((citation) => citation.number)).toEqual([2]);
    expect(response.headers['x-run-id']).toBe(done.run_id);
  });

  it('grounds an agent in its knowledge base: retrieval event, sources in the prompt, citations in done', async () => {
    const { base, pdf, docx } = await indexedBase(user);
    await waitForIngestion(testApp, user, base.id, pdf.id);
    await waitForIngestion(testApp, user, base.id, docx.id);
    const model = await createModelConfig(testApp, user, { base_url: server.baseUrl });
    const agent = await createAgent(testApp, user, {
      system_prompt: 'You are the handbook assistant.',
      model_config_id: model.id,
      knowledge_base_ids: [base.id],
    });
    server.enqueue({ text: 'Rotate keys every 90 days [1].' }, { text: 'Plain answer [1].' });

    const streamed = await post(`/api/v1/agent-chat/${agent.id}/stream`, { message: 'How often should API keys be rotated?' });
    const plain = await post(`/api/v1/agent-chat/${agent.id}`, { message: 'Is two-factor authentication mandatory?' });

    const events = parseEventStream(streamed.body);
    expect(events[0]!.event).toBe('retrieval');
    const sources = (events[0]!.data as { sources: Array<{ document_name: string; content: string }> }).sources;
    expect(sources[0]!.document_name).toBe('security.docx');
    const done = events.at(-1)!.data as { citations: Array<{ number: number; document_name: string }> };
    expect(done.citations).toEqual([expect.objectContaining({ number: 1, document_name: 'security.docx' })]);
    const system = String(server.requests[0]!.body!.messages![0]!.content);
    expect(system.startsWith('You are the handbook assistant.')).toBe(true);
    expect(system).toContain('Rotate API keys every 90 days');
    expect(plain.json().citations[0]).toMatchObject({ number: 1, document_name: 'security.docx' });
  });

  it("never returns another user's chunks, even for their exact text, and hides their bases", async () => {
    const { base, pdf } = await indexedBase(user);
    await waitForIngestion(testApp, user, base.id, pdf.id);
    const stranger = await createUser(testApp);
    const own = await createKnowledgeBase(testApp, stranger, { name: 'Mine' });
    const mine = await addDocument(testApp, stranger, own.id, { source: 'text', name: 'notes.txt', text: 'Unrelated notes about gardening.' });
    await waitForIngestion(testApp, stranger, own.id, mine.id);
    const exactText = refundPolicy[0]!.join(' ');

    const ownSearch = (await post(`/api/v1/knowledge-bases/${own.id}/search`, { query: exactText, hybrid_weight: 0.5 }, stranger)).json();
    const foreignSearch = await post(`/api/v1/knowledge-bases/${base.id}/search`, { query: exactText }, stranger);
    const foreignRag = await post(`/api/v1/knowledge-bases/${base.id}/rag`, { query: exactText }, stranger);
    const foreignDocuments = await testApp.app.inject({ method: 'GET', url: `/api/v1/knowledge-bases/${base.id}/documents`, headers: stranger.headers });
    const foreignAgent = await post('/api/v1/agents', { name: 'Thief', knowledge_base_ids: [base.id] }, stranger);
    const tool = await post('/api/v1/tools/knowledge_search/use', { arguments: { query: exactText, knowledge_base_ids: [base.id] } }, stranger);

    expect(ownSearch.items.every((item: { document_id: string }) => item.document_id === mine.id)).toBe(true);
    expect(foreignSearch.statusCode).toBe(404);
    expect(foreignSearch.json().error).toBe('KNOWLEDGE_BASE_NOT_FOUND');
    expect(foreignRag.statusCode).toBe(404);
    expect(foreignDocuments.statusCode).toBe(404);
    expect(foreignAgent.statusCode).toBe(404);
    expect(tool.statusCode).toBe(200);
    expect(JSON.stringify(tool.json())).not.toContain('30 days');
  });
});
