/**
 * A scripted OpenAI-wire model server: a real loopback HTTP server speaking the Chat Completions,
 * Embeddings, Models and (Cohere/Jina-style) Rerank endpoints, whose replies the test scripts, so
 * real provider clients can be exercised end to end without calling a paid model.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliverChatReply } from './model-server.chat.js';
import {
  DEFAULT_EMBEDDING_DIMENSIONS,
  embeddingInputs,
  renderEmbeddings,
  renderModelList,
  type EmbeddingsReply,
} from './model-server.embeddings.js';
import { pause, readBody, sendError, sendJson, type Exchange } from './model-server.http.js';
import { answerRerank, type RerankReply } from './model-server.rerank.js';
import { parseBody, type RecordedRequest } from './model-server.request.js';
import { estimateTokens, type ScriptedReply } from './model-server.script.js';

/** A scripted reply, or a function choosing one from the request (e.g. to echo its input). */
export type ReplySource = ScriptedReply | ((request: RecordedRequest) => ScriptedReply);

/** Options for {@link startModelServer}. */
export interface ModelServerOptions {
  /** Interface to listen on; loopback by default so nothing is exposed. */
  host?: string;
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Model names `GET /v1/models` lists besides those seen in scripts and requests. */
  models?: string[];
  /** Dimensions of default embedding vectors when a request does not ask for a size. */
  embeddingDimensions?: number;
}

const DEFAULT_MODELS = ['test-chat-model', 'test-embedding-model'];

/** A running scripted model server; create one with {@link startModelServer}. */
export class ModelServer {
  private readonly server: Server;
  private readonly log: RecordedRequest[] = [];
  private readonly queue: ReplySource[] = [];
  private readonly embeddingsQueue: EmbeddingsReply[] = [];
  private readonly rerankQueue: RerankReply[] = [];
  private readonly seenModels = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private fallback: ReplySource | undefined;
  private origin = '';
  private closing = false;

  /** Prefer {@link startModelServer}, which also starts listening. */
  constructor(private readonly options: ModelServerOptions = {}) {
    this.server = createServer((request, response) => this.handle(request, response));
  }

  /** Starts listening; resolves once the port is known. */
  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    this.origin = `http://${address.address}:${address.port}`;
    return this;
  }

  /** The OpenAI-style base URL to hand to a provider client, e.g. `http://127.0.0.1:PORT/v1`. */
  get baseUrl(): string {
    return `${this.origin}/v1`;
  }

  /** Every request received so far, oldest first; entries update as replies finish or abort. */
  get requests(): readonly RecordedRequest[] {
    return this.log;
  }

  /** How many queued chat replies have not been consumed yet. */
  get pendingReplies(): number {
    return this.queue.length;
  }

  /** Appends chat replies to the queue; each chat request consumes one, in order. */
  enqueue(...replies: ReplySource[]): this {
    for (const reply of replies) this.noteScriptedModel(reply);
    this.queue.push(...replies);
    return this;
  }

  /** Replaces the pending chat replies with this script. */
  script(replies: ReplySource[]): this {
    this.queue.length = 0;
    return this.enqueue(...replies);
  }

  /** Sets the chat reply used when the queue is empty; without one such requests get a 500. */
  setDefault(reply: ReplySource | undefined): this {
    if (reply) this.noteScriptedModel(reply);
    this.fallback = reply;
    return this;
  }

  /** Appends embeddings replies; when none is queued a deterministic vector per input is returned. */
  enqueueEmbeddings(...replies: EmbeddingsReply[]): this {
    this.embeddingsQueue.push(...replies);
    return this;
  }

  /** Appends rerank replies; when none is queued the default word-overlap ranking is returned. */
  enqueueRerank(...replies: RerankReply[]): this {
    this.rerankQueue.push(...replies);
    return this;
  }

  /** Resolves with the log once at least `count` requests have arrived. */
  waitForRequests(count: number, timeoutMs = 2000): Promise<readonly RecordedRequest[]> {
    return this.waitFor(() => (this.log.length >= count ? this.log : undefined), timeoutMs, `${count} request(s)`);
  }

  /** Resolves with the request at `index` once its client has aborted it. */
  waitForAbort(index: number, timeoutMs = 2000): Promise<RecordedRequest> {
    const probe = () => (this.log[index]?.aborted ? this.log[index] : undefined);
    return this.waitFor(probe, timeoutMs, `request #${index} to be aborted`);
  }

  /** Forgets the log, queued replies and default reply, so one server can serve many tests. */
  reset(): void {
    this.log.length = 0;
    this.queue.length = 0;
    this.embeddingsQueue.length = 0;
    this.rerankQueue.length = 0;
    this.seenModels.clear();
    this.fallback = undefined;
  }

  /** Stops the server, cutting any reply still in flight so tests never hang on a slow stream. */
  async close(): Promise<void> {
    this.closing = true;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    this.exchange(request, response).catch(() => {
      if (response.headersSent) response.destroy();
      else sendJson(this.plainExchange(response), 500, { error: { message: 'model-server failure' } });
    });
  }

  private plainExchange(response: ServerResponse): Exchange {
    return { response, signal: new AbortController().signal, breakConnection: () => response.destroy() };
  }

  private async exchange(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const controller = new AbortController();
    // The close listener must exist before the body is read, when the log entry does not yet.
    const recorded: { entry?: RecordedRequest } = {};
    let deliberate = false;
    response.on('close', () => {
      if (response.writableFinished || deliberate || this.closing) return;
      controller.abort();
      if (recorded.entry) recorded.entry.aborted = true;
      this.notify();
    });
    const rawBody = await readBody(request);
    const entry = this.record(request, rawBody, controller.signal.aborted);
    recorded.entry = entry;
    response.on('finish', () => {
      entry.finished = true;
      this.notify();
    });
    const breakConnection = () => {
      deliberate = true;
      response.socket?.destroySoon();
    };
    await this.route({ response, signal: controller.signal, breakConnection }, entry);
  }

  private record(request: IncomingMessage, rawBody: string, aborted: boolean): RecordedRequest {
    const entry: RecordedRequest = {
      index: this.log.length,
      method: request.method ?? 'GET',
      path: (request.url ?? '/').split('?')[0] ?? '/',
      headers: request.headers,
      body: parseBody(rawBody),
      rawBody,
      receivedAt: Date.now(),
      aborted,
      finished: false,
    };
    if (entry.body?.model) this.seenModels.add(entry.body.model);
    this.log.push(entry);
    this.notify();
    return entry;
  }

  private async route(exchange: Exchange, entry: RecordedRequest): Promise<void> {
    const route = `${entry.method} ${entry.path.replace(/^\/v1(?=\/)/, '')}`;
    if (route === 'POST /chat/completions') return this.answerChat(exchange, entry);
    if (route === 'POST /embeddings') return this.answerEmbeddings(exchange, entry);
    if (route === 'POST /rerank') return answerRerank(exchange, entry, () => this.rerankQueue.shift());
    if (route === 'GET /models') {
      const models = [...(this.options.models ?? DEFAULT_MODELS), ...this.seenModels];
      return sendJson(exchange, 200, renderModelList(models, Math.floor(Date.now() / 1000)));
    }
    sendError(exchange, { status: 404, message: `Unknown route: ${route}`, code: 'unknown_url' });
  }

  private async answerChat(exchange: Exchange, entry: RecordedRequest): Promise<void> {
    const body = entry.body;
    if (!body?.model || !body.messages) {
      return sendError(exchange, { status: 400, message: "'model' and 'messages' are required" });
    }
    const source = this.queue.shift() ?? this.fallback;
    if (!source) {
      const message = `model-server: no scripted reply for request #${entry.index} and no default reply set`;
      return sendError(exchange, { status: 500, message, type: 'server_error', code: 'no_scripted_reply' });
    }
    const reply = typeof source === 'function' ? source(entry) : source;
    if (!(await pause(reply.delayMs, exchange.signal))) return;
    const context = {
      id: `chatcmpl-${randomUUID().replaceAll('-', '')}`,
      created: Math.floor(Date.now() / 1000),
      model: reply.model ?? body.model,
      promptTokens: estimateTokens(JSON.stringify(body.messages)),
      includeUsage: body.stream_options?.include_usage === true,
    };
    await deliverChatReply(exchange, reply, context, body.stream === true);
  }

  private async answerEmbeddings(exchange: Exchange, entry: RecordedRequest): Promise<void> {
    const inputs = embeddingInputs(entry.body?.input);
    const model = entry.body?.model;
    if (!model || inputs.length === 0) {
      return sendError(exchange, { status: 400, message: "'model' and a non-empty 'input' are required" });
    }
    const reply = this.embeddingsQueue.shift();
    if (!(await pause(reply?.delayMs, exchange.signal))) return;
    if (reply && 'error' in reply) return sendError(exchange, reply.error, reply.headers);
    const dimensions = entry.body?.dimensions ?? this.options.embeddingDimensions ?? DEFAULT_EMBEDDING_DIMENSIONS;
    sendJson(exchange, 200, renderEmbeddings(inputs, model, dimensions, reply), reply?.headers);
  }

  private noteScriptedModel(reply: ReplySource): void {
    if (typeof reply !== 'function' && reply.model) this.seenModels.add(reply.model);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Polls `probe` on every state change, so waits wake up exactly when the log changes. */
  private waitFor<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        const received = `${this.log.length} request(s) received`;
        reject(new Error(`model-server: timed out after ${timeoutMs} ms waiting for ${what} (${received})`));
      }, timeoutMs);
      const check = () => {
        const value = probe();
        if (value === undefined) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(value);
      };
      this.listeners.add(check);
      check();
    });
  }
}

/** Starts a scripted model server on loopback at a free port. */
export function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  return new ModelServer(options).listen();
}
