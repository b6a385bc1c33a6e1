import type { FastifyBaseLogger } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { isAppError } from '../../platform/errors/app-error.js';
import type { EventBus } from '../../platform/events/event-bus.js';
import type { Actor } from '../../platform/http/authenticate.js';
import { toAppError } from '../../platform/http/error-handler.js';
import { runTopic } from '../runs/active-run.js';
import type { RunsService } from '../runs/runs.service.js';
import type { WorkflowExecutionsService } from '../workflow-executions/workflow-executions.service.js';
import type { ExecutionView } from '../workflow-executions/workflow-executions.view.js';
import { socketMessageInvalid } from './execution-ws.errors.js';
import { clientMessageSchema, type ClientMessage } from './execution-ws.schemas.js';
import { toErrorMessage, toEventMessage, toStatusMessage } from './execution-ws.view.js';

/** What one execution socket works with. */
export interface ExecutionSocketDeps {
  executions: WorkflowExecutionsService;
  runs: RunsService;
  /** Wakes a socket that waits on a paused execution when the execution goes on. */
  events: EventBus;
  logger: FastifyBaseLogger;
  /** Milliseconds between ping frames; a client that missed the previous one is dropped. */
  heartbeatMs: number;
}

/** Statuses after which an execution never changes again. */
const finalStatuses: ReadonlySet<string> = new Set(['succeeded', 'failed', 'cancelled']);

/** Statuses in which an execution waits for someone to resume it. */
const restingStatuses: ReadonlySet<string> = new Set(['paused', 'waiting_approval']);

/** The events that close a run's log: `done`, or the `error` of a failed or cancelled run. */
const closingEvents: ReadonlySet<string> = new Set(['done', 'error']);

/** A client that stops reading would otherwise make the server buffer the whole run for it. */
const maxBufferedBytes = 8 * 1024 * 1024;

/** Close code and reason for a normal end (RFC 6455, 1000). */
const normalClosure = 1000;
const internalErrorClosure = 1011;

/**
 * One client's socket on one execution: a `status` message, then the run's events in order from
 * `afterSeq` (replayed from the log, then live), through pauses and approvals, closed after the
 * final event. The client's commands (ping, pause, resume, cancel) act as its owner. Leaving only
 * stops the follower: the execution goes on.
 */
export class ExecutionSocket {
  private readonly stopped = new AbortController();
  private heartbeat: NodeJS.Timeout | undefined;
  private answeredPing = true;
  private lastSeq: number;
  /** True once the run's closing event (`done` or `error`) went out: nothing follows it. */
  private closingSent = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly target: { actor: Actor; executionId: string; afterSeq: number },
    private readonly deps: ExecutionSocketDeps,
  ) {
    this.lastSeq = target.afterSeq;
  }

  /** Serves the socket until the execution has ended (then closes it) or the client has gone. */
  async serve(status: { execution: ExecutionView; lastSeq: number }): Promise<void> {
    this.socket.on('close', () => this.stopped.abort());
    this.socket.on('message', (data, isBinary) => void this.onMessage(data, isBinary));
    this.socket.on('pong', () => (this.answeredPing = true));
    this.heartbeat = setInterval(() => this.beat(), this.deps.heartbeatMs);
    if (this.socket.readyState !== this.socket.OPEN) this.stopped.abort();
    try {
      this.send(toStatusMessage(status.execution, status.lastSeq));
      const finalStatus = await this.followUntilFinal();
      if (finalStatus) this.socket.close(normalClosure, finalStatus);
    } catch (error) {
      this.deps.logger.error({ err: error, executionId: this.target.executionId }, 'execution socket failed');
      this.socket.close(internalErrorClosure, 'internal error');
    } finally {
      clearInterval(this.heartbeat);
      this.stopped.abort();
    }
  }

  /** Sends events until the execution has ended (answers its final status) or the client leaves (null). */
  private async followUntilFinal(): Promise<string | null> {
    const { runs, events } = this.deps;
    const { actor, executionId } = this.target;
    const signal = this.stopped.signal;
    while (!signal.aborted) {
      await this.forwardEvents();
      if (signal.aborted) return null;
      if (this.closingSent) return (await runs.get(actor, executionId)).status;
      // The log stopped without a closing event: the execution paused, waits for an approval, or
      // went on elsewhere. Listen for its next stretch before reading the status, so a resume
      // between the two is not missed.
      let wake = () => {};
      const woken = new Promise<void>((resolve) => (wake = resolve));
      const unsubscribe = await events.subscribe(runTopic(executionId), () => wake());
      try {
        const { status } = await runs.get(actor, executionId);
        if (finalStatuses.has(status)) return await this.finishLog(status);
        if (restingStatuses.has(status)) await untilAborted(woken, signal);
      } finally {
        await unsubscribe();
      }
    }
    return null;
  }

  /** Sends the run's events after the last one sent, until its log stops (or the client leaves). */
  private async forwardEvents(): Promise<void> {
    const { actor, executionId } = this.target;
    for await (const event of await this.deps.runs.follow(actor, executionId, this.lastSeq, this.stopped.signal)) {
      this.send(toEventMessage(event));
      this.lastSeq = event.seq;
      if (closingEvents.has(event.event)) this.closingSent = true;
    }
  }

  /**
   * An execution that ended after its log stopped for us (a resumed stretch that ran to its end
   * before we looked again, or one closed by another process): sends what is left of its log,
   * then answers. A run's final status is stored in the same statement as its last events, the
   * closing one included, so once the status reads final the log is complete.
   */
  private async finishLog(status: string): Promise<string> {
    await this.forwardEvents();
    return status;
  }

  private async onMessage(data: RawData, isBinary: boolean): Promise<void> {
    try {
      const message = parseClientMessage(data, isBinary);
      if (message.type === 'ping') return this.send({ type: 'pong' });
      // Results show up as run events (`paused`, the closing `error` of a cancel, ...).
      const { actor, executionId } = this.target;
      const { executions } = this.deps;
      if (message.type === 'pause') await executions.pause(actor, executionId);
      else if (message.type === 'cancel') await executions.cancel(actor, executionId);
      else {
        const { type: _type, ...decision } = message;
        await executions.resume(actor, executionId, message.decision ? decision : undefined);
      }
    } catch (error) {
      const appError = toAppError(error);
      if (!isAppError(error)) this.deps.logger.error({ err: error, executionId: this.target.executionId }, 'execution socket command failed');
      this.send(toErrorMessage(appError));
    }
  }

  private beat(): void {
    if (!this.answeredPing) {
      // A client that does not answer pings is gone (or a proxy dropped it): free the follower.
      this.socket.terminate();
      return;
    }
    this.answeredPing = false;
    this.socket.ping();
  }

  private send(message: object): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > maxBufferedBytes) {
      this.deps.logger.warn({ executionId: this.target.executionId }, 'execution socket dropped: the client does not read');
      this.socket.terminate();
      return;
    }
    this.socket.send(JSON.stringify(message));
  }
}

/** A client command, or WS_MESSAGE_INVALID. */
function parseClientMessage(data: RawData, isBinary: boolean): ClientMessage {
  if (isBinary) throw socketMessageInvalid('send text frames with JSON');
  let json: unknown;
  try {
    json = JSON.parse(rawText(data));
  } catch {
    throw socketMessageInvalid('not JSON');
  }
  const parsed = clientMessageSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw socketMessageInvalid(`${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'is invalid'}; send {"type": "ping" | "pause" | "resume" | "cancel"}`);
  }
  return parsed.data;
}

function rawText(data: RawData): string {
  const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  return buffer.toString('utf8');
}

/** Resolves with `promise` or when `signal` aborts, leaving no listener behind. */
async function untilAborted(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  let onAbort = () => {};
  const aborted = new Promise<void>((resolve) => (onAbort = resolve));
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.race([promise, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
