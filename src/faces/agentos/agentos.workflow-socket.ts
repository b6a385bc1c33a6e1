import type { FastifyBaseLogger } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { RunsService } from '../../modules/runs/runs.service.js';
import type { WorkflowExecutionsService } from '../../modules/workflow-executions/workflow-executions.service.js';
import type { TokenService } from '../../platform/crypto/jwt.js';
import type { Actor } from '../../platform/http/authenticate.js';
import { isUuid } from './agentos.agents.js';
import type { SecurityKeyAuthenticator } from './agentos.security-key.js';
import type { AgnoEvent } from './agentos.sse.js';
import { formatAgnoEvent } from './agentos.sse.js';
import { runStatus } from './agentos.views.js';
import { WorkflowEventTranslator } from './agentos.workflow-events.js';
import type { AgentOsWorkflows } from './agentos.workflows.js';

/** What the workflow socket works with. */
export interface WorkflowSocketDeps {
  workflows: AgentOsWorkflows;
  executions: WorkflowExecutionsService;
  runs: RunsService;
  tokens: TokenService;
  securityKey: SecurityKeyAuthenticator;
  logger: FastifyBaseLogger;
}

type Command = { action?: unknown; [field: string]: unknown };

const finished = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * One client of `/workflows/ws` (AgentOS' workflow socket): authenticate by message (security
 * key or platform JWT; the upgrade is never refused), ping, start a workflow and receive its events
 * as SSE-formatted text frames, or reconnect to a run and get its events replayed, then live, as
 * plain JSON frames. Errors are `{"event":"error"}` frames; the socket stays open.
 */
export class WorkflowSocket {
  private actor: Actor | null = null;
  private readonly stopped = new AbortController();

  constructor(
    private readonly socket: WebSocket,
    private readonly deps: WorkflowSocketDeps,
  ) {}

  serve(): void {
    this.socket.on('close', () => this.stopped.abort());
    this.socket.on('message', (raw: RawData) => void this.onMessage(raw));
    this.send({ event: 'connected', message: 'Connected to AgentOS. Please authenticate to continue.', requires_auth: true });
  }

  private async onMessage(raw: RawData): Promise<void> {
    let command: Command;
    try {
      const parsed: unknown = JSON.parse(raw.toString());
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      command = parsed as Command;
    } catch {
      return this.send({ event: 'error', error: 'Invalid JSON message' });
    }
    try {
      await this.dispatch(command);
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'workflow socket command failed');
      this.send({ event: 'error', error: error instanceof Error ? error.message : String(error) });
    }
  }

  private async dispatch(command: Command): Promise<void> {
    if (command.action === 'authenticate') return this.authenticate(command.token);
    if (!this.actor) return this.send({ event: 'auth_required', error: 'Authentication required. Send authenticate action with valid bearer token.' });
    switch (command.action) {
      case 'ping':
        return this.send({ event: 'pong' });
      case 'start-workflow':
        return this.startWorkflow(this.actor, command);
      case 'reconnect':
        return this.reconnect(this.actor, command);
      default:
        return this.send({ event: 'error', error: `Unknown action: ${String(command.action)}` });
    }
  }

  private async authenticate(token: unknown): Promise<void> {
    if (typeof token !== 'string' || token.length === 0) return this.send({ event: 'auth_error', error: 'Token is required' });
    const keyed = await this.deps.securityKey.actorFor(token);
    if (keyed) {
      this.actor = keyed;
      return this.send({ event: 'authenticated', message: 'Authentication successful. You can now send commands.' });
    }
    const verified = await this.deps.tokens.verify(token);
    if (!verified.ok) return this.send({ event: 'auth_error', error: 'Invalid token', error_type: verified.reason === 'expired' ? 'expired' : 'invalid_token' });
    this.actor = { userId: verified.claims.sub, role: verified.claims.role };
    this.send({ event: 'authenticated', message: 'JWT authentication successful.', user_id: verified.claims.sub });
  }

  /** Starts the workflow and sends each of its events as an SSE-formatted frame with `event_index`. */
  private async startWorkflow(actor: Actor, command: Command): Promise<void> {
    const workflowId = command.workflow_id;
    if (typeof workflowId !== 'string' || workflowId.length === 0) return this.send({ event: 'error', error: 'workflow_id is required' });
    const workflow = await this.deps.workflows.find(actor, workflowId).catch(() => null);
    if (!workflow) return this.send({ event: 'error', error: `Workflow ${workflowId} not found` });
    const input = { ...(typeof command.input === 'object' && command.input ? command.input : {}), message: String(command.message ?? '') };
    const started = await this.deps.executions.start(actor, workflow.id, { input, trigger: 'api' });
    const translator = new WorkflowEventTranslator({ workflowId: workflow.id, workflowName: workflow.name, runId: started.id, sessionId: started.id });
    await this.relay(actor, started.id, translator, 0, (event) => this.sendText(formatAgnoEvent(event)));
  }

  /** Replays a run's events after `last_event_index` (then live ones while it runs) as plain JSON frames. */
  private async reconnect(actor: Actor, command: Command): Promise<void> {
    const runId = command.run_id;
    if (typeof runId !== 'string' || runId.length === 0) return this.send({ event: 'error', error: 'run_id is required for subscription' });
    const notFound = () => this.send({ event: 'error', error: `Run ${runId} not found in buffer or database` });
    if (!isUuid(runId)) return notFound();
    const execution = await this.deps.executions.get(actor, runId).catch(() => null);
    const workflow = execution ? await this.deps.workflows.find(actor, execution.workflow_id).catch(() => null) : null;
    if (!execution || !workflow) return notFound();
    const run = await this.deps.runs.get(actor, runId);
    const lastIndex = typeof command.last_event_index === 'number' ? command.last_event_index : -1;
    const translator = new WorkflowEventTranslator({ workflowId: workflow.id, workflowName: workflow.name, runId, sessionId: runId });
    if (finished.has(run.status)) {
      const events: AgnoEvent[] = [];
      await this.collect(actor, runId, translator, (event) => events.push(event));
      const missed = events.map((event, index) => ({ ...event, event_index: index, run_id: runId })).filter((event) => event.event_index > lastIndex);
      this.send({ event: 'replay', run_id: runId, status: runStatus(run.status), total_events: events.length, message: `Replaying ${missed.length} events` });
      for (const event of missed) this.send(event);
      return;
    }
    this.send({ event: 'subscribed', run_id: runId, status: 'running', current_event_count: run.last_event_id, message: 'Subscribed to the running workflow' });
    await this.relay(actor, runId, translator, lastIndex + 1, (event) => this.send(event));
  }

  /** Follows the run's log from the start, numbering translated events; those from `fromIndex` go to `deliver`. */
  private async relay(actor: Actor, runId: string, translator: WorkflowEventTranslator, fromIndex: number, deliver: (event: AgnoEvent) => void): Promise<void> {
    let index = 0;
    const first = translator.started();
    const number = (event: AgnoEvent) => {
      const numbered = { ...event, event_index: index, run_id: runId };
      index += 1;
      if (numbered.event_index >= fromIndex) deliver(numbered);
    };
    number(first);
    await this.collect(actor, runId, translator, number, false);
  }

  private async collect(actor: Actor, runId: string, translator: WorkflowEventTranslator, sink: (event: AgnoEvent) => void, withStart = true): Promise<void> {
    if (withStart) sink(translator.started());
    const events = await this.deps.runs.follow(actor, runId, 0, this.stopped.signal);
    for await (const event of events) for (const translated of translator.translate(event)) sink(translated);
  }

  private send(message: Record<string, unknown>): void {
    this.sendText(JSON.stringify(message));
  }

  private sendText(text: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(text);
  }
}
