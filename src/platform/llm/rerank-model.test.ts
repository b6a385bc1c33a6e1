import { APICallError } from '@ai-sdk/provider';
import { rerank } from 'ai';
import { describe, expect, it } from 'vitest';
import { rejectionOf } from '../../test-kit/rejection-of.js';
import { useModelServer } from '../../test-kit/use-model-server.js';
import { createRerankModel } from './rerank-model.js';

const server = useModelServer();

function model(apiKey: string | null = 'rerank-key') {
  // The trailing slash is on purpose: the client must not call `//rerank`.
  const baseUrl = `${server.baseUrl}/`;
  return createRerankModel({ provider: 'openai-compatible', modelName: 'rerank-small', baseUrl, apiKey });
}

const documents = ['Paris is in France', 'Berlin is the capital of Germany', 'The capital of France is Paris'];

describe('createRerankModel', () => {
  it('ranks documents in the order the server scores them and sends the wire request', async () => {
    const result = await rerank({ model: model(), query: 'capital of France', documents, maxRetries: 0 });

    expect(result.ranking.map((entry) => [entry.originalIndex, entry.score])).toEqual([
      [2, 1],
      [1, 2 / 3],
      [0, 1 / 3],
    ]);
    expect(result.rerankedDocuments).toEqual([documents[2], documents[1], documents[0]]);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/rerank' });
    expect(request?.headers.authorization).toBe('Bearer rerank-key');
    expect(JSON.parse(request?.rawBody ?? '')).toEqual({ model: 'rerank-small', query: 'capital of France', documents });
  });

  it('asks for top_n and returns only that many', async () => {
    const result = await rerank({ model: model(), query: 'Paris', documents, topN: 1, maxRetries: 0 });

    expect(result.ranking.map((entry) => entry.originalIndex)).toEqual([0]);
    expect(server.requests[0]?.body?.top_n).toBe(1);
  });

  it('sends object documents as JSON text and no Authorization header without a key', async () => {
    const records = [{ city: 'Paris' }, { city: 'Rome' }];

    const result = await rerank({ model: model(null), query: 'rome', documents: records, maxRetries: 0 });

    expect(result.rerankedDocuments[0]).toEqual({ city: 'Rome' });
    expect(server.requests[0]?.body?.documents).toEqual(['{"city":"Paris"}', '{"city":"Rome"}']);
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('raises a retryable APICallError with status 500 for a failed answer', async () => {
    server.enqueueRerank({ error: { status: 500, message: 'reranker crashed' } });

    const error = await rejectionOf(rerank({ model: model(), query: 'q', documents, maxRetries: 0 }));

    expect(APICallError.isInstance(error)).toBe(true);
    const apiError = error as APICallError;
    expect(apiError.statusCode).toBe(500);
    expect(apiError.isRetryable).toBe(true);
    expect(apiError.message).toBe('Rerank failed with 500');
    expect(apiError.responseBody).toContain('reranker crashed');
    expect(apiError.url).toBe(`${server.baseUrl}/rerank`);
  });

  it('raises a non-retryable APICallError for a 400', async () => {
    server.enqueueRerank({ error: { status: 400, message: 'bad query' } });

    const error = (await rejectionOf(rerank({ model: model(), query: 'q', documents, maxRetries: 0 }))) as APICallError;

    expect([error.statusCode, error.isRetryable]).toEqual([400, false]);
  });

  it.each([
    ['a body of the wrong shape', '{"data": [{"index": 0, "score": 1}]}'],
    ['a body that is not JSON', '<html>gateway error</html>'],
    ['a negative index', '{"results": [{"index": -1, "relevance_score": 0.5}]}'],
  ])('raises an APICallError for %s answered with 200', async (_label, rawBody) => {
    server.enqueueRerank({ rawBody });

    const error = (await rejectionOf(rerank({ model: model(), query: 'q', documents, maxRetries: 0 }))) as APICallError;

    expect(APICallError.isInstance(error)).toBe(true);
    expect(error.message).toBe('Rerank response has an unexpected shape');
    expect([error.statusCode, error.isRetryable]).toEqual([200, false]);
    expect(error.responseBody).toBe(rawBody);
  });
});
