/**
 * The Cohere/Jina-style rerank endpoint (`POST /v1/rerank`, also served at `/rerank`):
 * `{model, query, documents: string[], top_n?}` -> `{results: [{index, relevance_score}], model}`.
 * Unscripted answers score each document by the share of the query's words it contains, so ranking
 * tests can predict the order without scripting it.
 */
import { pause, sendError, sendJson, type Exchange } from './model-server.http.js';
import type { RecordedRequest } from './model-server.request.js';
import type { ErrorReply, ReplyPacing } from './model-server.script.js';

/** One ranked document as the wire carries it. */
export interface RerankResult {
  index: number;
  relevance_score: number;
}

/**
 * A scripted rerank answer: explicit results, a raw body sent verbatim with status 200 (to test
 * clients against malformed answers), or an error.
 */
export type RerankReply =
  | ({ results: RerankResult[] } & Pick<ReplyPacing, 'delayMs' | 'headers'>)
  | ({ rawBody: string } & Pick<ReplyPacing, 'delayMs' | 'headers'>)
  | ErrorReply;

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * The default ranking: each document scores the share (0 to 1) of distinct query words it
 * contains; best first, ties in document order; only the first `topN` when given.
 */
export function defaultRerank(query: string, documents: string[], topN?: number): RerankResult[] {
  const wanted = [...new Set(words(query))];
  const scored = documents.map((document, index) => {
    const present = new Set(words(document));
    const found = wanted.filter((word) => present.has(word)).length;
    return { index, relevance_score: wanted.length === 0 ? 0 : found / wanted.length };
  });
  scored.sort((left, right) => right.relevance_score - left.relevance_score || left.index - right.index);
  return topN === undefined ? scored : scored.slice(0, topN);
}

interface RerankRequest {
  model: string;
  query: string;
  documents: string[];
  topN: number | undefined;
}

/** The request's fields when they make a valid rerank request, else a message saying what is wrong. */
function rerankRequest(body: RecordedRequest['body']): RerankRequest | string {
  const { model, query, documents, top_n: topN } = body ?? {};
  if (typeof model !== 'string' || model === '') return "'model' is required";
  if (typeof query !== 'string') return "'query' must be a string";
  if (!Array.isArray(documents) || documents.length === 0 || !documents.every((item) => typeof item === 'string')) {
    return "'documents' must be a non-empty list of strings";
  }
  if (topN !== undefined && topN !== null && !(Number.isInteger(topN) && (topN as number) > 0)) {
    return "'top_n' must be a positive integer";
  }
  return { model, query, documents: documents as string[], topN: (topN as number | null | undefined) ?? undefined };
}

/**
 * Answers one rerank request with the next scripted reply, or the default ranking when none is
 * queued. An invalid request gets a 400 and leaves the queue alone.
 */
export async function answerRerank(
  exchange: Exchange,
  entry: RecordedRequest,
  nextReply: () => RerankReply | undefined,
): Promise<void> {
  const request = rerankRequest(entry.body);
  if (typeof request === 'string') return sendError(exchange, { status: 400, message: request });
  const reply = nextReply();
  if (!(await pause(reply?.delayMs, exchange.signal))) return;
  if (reply && 'error' in reply) return sendError(exchange, reply.error, reply.headers);
  if (reply && 'rawBody' in reply) {
    if (exchange.signal.aborted) return;
    exchange.response.writeHead(200, { 'content-type': 'application/json', ...reply.headers });
    exchange.response.end(reply.rawBody);
    return;
  }
  const results = reply?.results ?? defaultRerank(request.query, request.documents, request.topN);
  sendJson(exchange, 200, { results, model: request.model }, reply?.headers);
}
