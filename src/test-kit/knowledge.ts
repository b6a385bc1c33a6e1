import type { TestApp, TestAppOptions } from './build-test-app.js';
import { createModelConfig, type TestUser } from './factories.js';
import type { ModelServer } from './model-server/index.js';
import { useAppPerTest } from './use-app-per-test.js';

/** A knowledge base as the API shows it (the fields tests read). */
export interface TestKnowledgeBase {
  id: string;
  name: string;
  embedding_model_config_id: string | null;
  embedding_model: string;
  embedding_dimensions: number | null;
  chunking: { chunk_size: number; chunk_overlap: number; separators: string[] };
  document_count: number;
  chunk_count: number;
  documents_by_status: Record<string, number>;
}

/** A document as the API shows it (the fields tests read). */
export interface TestDocument {
  id: string;
  name: string;
  status: string;
  error: { code: string; message: string } | null;
  progress: { chunks_done: number; chunks_total: number };
  attempts: number;
  format: string | null;
  indexed_at: string | null;
}

/** A search hit as the API shows it (the fields tests read). */
export interface TestSearchHit {
  chunk_id: string;
  document_id: string;
  document_name: string;
  position: number;
  content: string;
  score: number;
  metadata: Record<string, unknown>;
}

/** Where the knowledge base routes start. */
export const bases = '/api/v1/knowledge-bases';

/** The methods of the knowledge base routes. */
export type KnowledgeMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

// Exported as live bindings: a test file reads the app and user of the test now running through them.
/** The app of the test now running, set by {@link useKnowledgeApp}. */
export let testApp: TestApp;
/** The user signed in to {@link testApp}, whom {@link send} acts as by default. */
export let user: TestUser;

/** Gives every test of the calling describe block its own app and signed-in user, as {@link testApp} and {@link user}. */
export function useKnowledgeApp(options: TestAppOptions = {}): void {
  useAppPerTest((app, owner) => {
    testApp = app;
    user = owner;
  }, options);
}

/** Sends a request to {@link testApp} as {@link user}, or as `owner` (null: without a token), with `payload` as the JSON body. */
export function send(
  method: KnowledgeMethod,
  url: string,
  options: { payload?: object; owner?: TestUser | null } = {},
) {
  const owner = options.owner === undefined ? user : options.owner;
  return testApp.app.inject({ method, url, headers: owner ? owner.headers : {}, ...(options.payload ? { payload: options.payload } : {}) });
}

/** The workspace of {@link user}. */
export function workspace() {
  return testApp.container.services.workspace.forUser(user.id);
}

/** Creates an embedding model config of `owner` ("Embedder", test-embedding-model) served at `baseUrl`. */
export function createEmbeddingModel(testApp: TestApp, owner: TestUser, baseUrl: string) {
  return createModelConfig(testApp, owner, { name: 'Embedder', kind: 'embedding', model_name: 'test-embedding-model', base_url: baseUrl });
}

/** The embedding requests the model server received, in order. */
export function embeddingRequests(modelServer: ModelServer) {
  return modelServer.requests.filter((request) => request.path === '/v1/embeddings');
}

/** Every text the model server was asked to embed, in order. */
export function embeddedTexts(modelServer: ModelServer): string[] {
  return embeddingRequests(modelServer).flatMap((request) => {
    const input = request.body?.input;
    return Array.isArray(input) ? input.map(String) : [String(input)];
  });
}

const pipeline = ['pending', 'parsing', 'chunking', 'embedding', 'indexed'];

/** True when every state is a step of the ingestion pipeline and they come in pipeline order. */
export function inPipelineOrder(states: string[]): boolean {
  const steps = states.map((state) => pipeline.indexOf(state));
  return steps.every((step, index) => step >= 0 && (index === 0 || step > steps[index - 1]!));
}

/** Creates a knowledge base of `owner` through the API (local embedder unless overridden). */
export async function createKnowledgeBase(
  testApp: TestApp,
  owner: TestUser,
  overrides: Record<string, unknown> = {},
): Promise<TestKnowledgeBase> {
  const response = await testApp.app.inject({
    method: 'POST',
    url: '/api/v1/knowledge-bases',
    headers: owner.headers,
    payload: { name: `KB ${Math.random().toString(36).slice(2, 8)}`, embedding_model_config_id: null, ...overrides },
  });
  if (response.statusCode !== 201) throw new Error(`createKnowledgeBase: ${response.statusCode} ${response.body}`);
  return response.json();
}

/** Adds a document through the API and answers the 202 body. */
export async function addDocument(testApp: TestApp, owner: TestUser, baseId: string, payload: object): Promise<TestDocument> {
  const response = await testApp.app.inject({
    method: 'POST',
    url: `/api/v1/knowledge-bases/${baseId}/documents`,
    headers: owner.headers,
    payload,
  });
  if (response.statusCode !== 202) throw new Error(`addDocument: ${response.statusCode} ${response.body}`);
  return response.json();
}

/** Reads a knowledge base of `owner` through the API. */
export async function getKnowledgeBase(testApp: TestApp, owner: TestUser, baseId: string): Promise<TestKnowledgeBase> {
  const response = await testApp.app.inject({ method: 'GET', url: `/api/v1/knowledge-bases/${baseId}`, headers: owner.headers });
  if (response.statusCode !== 200) throw new Error(`getKnowledgeBase: ${response.statusCode} ${response.body}`);
  return response.json();
}

/** Searches a knowledge base of `owner` through the API and answers the 200 body. */
export async function searchKnowledgeBase(
  testApp: TestApp,
  owner: TestUser,
  baseId: string,
  body: object,
): Promise<{ items: TestSearchHit[]; reranked: boolean }> {
  const response = await testApp.app.inject({
    method: 'POST',
    url: `/api/v1/knowledge-bases/${baseId}/search`,
    headers: owner.headers,
    payload: body,
  });
  if (response.statusCode !== 200) throw new Error(`searchKnowledgeBase: ${response.statusCode} ${response.body}`);
  return response.json();
}

/**
 * Polls a document until its ingestion ends (indexed or failed) and returns every state seen on
 * the way, the last one included, so tests can check the progression a user would watch.
 */
export async function waitForIngestion(
  testApp: TestApp,
  owner: TestUser,
  baseId: string,
  documentId: string,
  timeoutMs = 15_000,
): Promise<{ document: TestDocument; seen: string[] }> {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await testApp.app.inject({
      method: 'GET',
      url: `/api/v1/knowledge-bases/${baseId}/documents/${documentId}`,
      headers: owner.headers,
    });
    const document = response.json() as TestDocument;
    if (seen.at(-1) !== document.status) seen.push(document.status);
    if (document.status === 'indexed' || document.status === 'failed') return { document, seen };
    if (Date.now() > deadline) throw new Error(`waitForIngestion: still ${document.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Adds documents through the API, then waits until each has finished ingesting; answers them as added. */
export async function addDocumentsAndWait<const Payloads extends readonly object[]>(
  testApp: TestApp,
  owner: TestUser,
  baseId: string,
  payloads: Payloads,
): Promise<{ [Index in keyof Payloads]: TestDocument }> {
  const added: TestDocument[] = [];
  for (const payload of payloads) added.push(await addDocument(testApp, owner, baseId, payload));
  for (const document of added) await waitForIngestion(testApp, owner, baseId, document.id);
  return added as { [Index in keyof Payloads]: TestDocument };
}
