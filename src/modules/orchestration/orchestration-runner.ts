import type { ToolSet } from 'ai';
import { orchestrator, speakerOf, type ModeAnswer, type ModeResult, type ModeSpeaker } from '../../engine/orchestration/mode-context.js';
import type { Actor } from '../../platform/http/authenticate.js';
import { addTokenUsage, emptyTokenUsage, type TokenUsage } from '../../platform/llm/llm-call.js';
import type { AgentDefinition } from '../../platform/db/schema/index.js';
import { agentTurn } from '../agent-chat/agent-turn.js';
import type { ChatRunner } from '../agent-chat/chat-runner.js';
import type { RunsService, StartedRun } from '../runs/runs.service.js';

/** An agent taking part in an orchestration, as the user's agents service hands it out. */
export interface Participant {
  id: string;
  definition: AgentDefinition;
}

/** How one agent is asked: its own session to continue, extra tools (hand-offs), labels for its events. */
export interface SpeakOptions {
  sessionId?: string | undefined;
  tools?: ToolSet;
  /** Extra fields on this agent's `agent_start` and `agent_done` events (round, stage, role ...). */
  labels?: Record<string, unknown>;
  /** A system prompt added after the agent's own (the orchestration's instructions to it). */
  instructions?: string;
  /** Ends the agent's turn after the step in which this becomes true (an accepted hand-off). */
  endTurnWhen?: () => boolean;
}

/** What a mode's body gets: ask agents, tell the client, read the usage so far. */
export interface OrchestrationContext {
  readonly runId: string;
  readonly signal: AbortSignal;
  /** Asks one agent (a child run of this one); its tokens and tool calls are relayed with its name. */
  speak(participant: Participant, message: string, options?: SpeakOptions): Promise<ModeAnswer>;
  /** A mode's own event (`route`, `round`, `verdict`, `handoff` ...); `speaker` defaults to the orchestrator. */
  emit(event: string, data: Record<string, unknown>, speaker?: ModeSpeaker): void;
  /** Usage summed over every agent asked so far (and what `addUsage` counted). */
  usage(): TokenUsage;
  /** Counts a model call made outside `speak` (a router's choice, a graph's llm node) in the run's usage. */
  addUsage(usage: TokenUsage): void;
}

/** What starts an orchestration run. */
export interface OrchestrationSpec {
  kind: 'orchestration' | 'swarm';
  /** The mode's name, on the `done` event and in the run's input. */
  mode: string;
  /** The agent the run belongs to (the coordinator), if any. */
  agentId?: string | null;
  input: Record<string, unknown>;
  /** Cancels the run when it aborts (a plain HTTP caller who hung up). */
  signal?: AbortSignal;
  parentRunId?: string | null;
}

/** A mode: asks agents through the context and returns its result, the `done` event's fields. */
export type OrchestrationBody = (context: OrchestrationContext) => Promise<ModeResult>;

/**
 * Runs orchestrations as durable runs: the run's log holds every agent's events under its name, each
 * agent's turn is a child run (the call chain), and the usage of all of them is summed on the run.
 * Re-attach and cancel work as for any run (`/runs/{id}/events`, `/runs/{id}/cancel`).
 */
export class OrchestrationRunner {
  constructor(private readonly deps: { runs: RunsService; runner: ChatRunner }) {}

  start(actor: Actor, spec: OrchestrationSpec, body: OrchestrationBody): Promise<StartedRun> {
    const { runs } = this.deps;
    return runs.start(
      actor,
      {
        kind: spec.kind,
        agentId: spec.agentId ?? null,
        input: { mode: spec.mode, ...spec.input },
        parentRunId: spec.parentRunId ?? null,
        ...(spec.signal ? { signal: spec.signal } : {}),
        // A failed or cancelled orchestration's closing `error` names the orchestrator, like every other event.
        closingEventFields: { ...orchestrator },
      },
      async (run) => {
        let usage = emptyTokenUsage();
        const context: OrchestrationContext = {
          runId: run.runId,
          signal: run.signal,
          emit: (event, data, speaker = orchestrator) => run.emit(event, { type: event, ...data, ...speaker }),
          usage: () => usage,
          addUsage: (more) => {
            usage = addTokenUsage(usage, more);
          },
          speak: async (participant, message, options = {}) => {
            const speaker = speakerOf(participant);
            context.emit('agent_start', { ...options.labels, message }, speaker);
            const answer = await this.speak(actor, participant, message, options, run.runId, run.signal, (event, data) => context.emit(event, data, speaker));
            usage = addTokenUsage(usage, answer.token_usage);
            context.emit('agent_done', { ...options.labels, content: answer.content, run_id: answer.run_id, token_usage: answer.token_usage }, speaker);
            return answer;
          },
        };
        const result = await body(context);
        const output = { mode: spec.mode, ...result.output, token_usage: usage, run_id: run.runId };
        context.emit('done', output, result.speaker);
        return { output, usage };
      },
    );
  }

  private async speak(
    actor: Actor,
    participant: Participant,
    message: string,
    options: SpeakOptions,
    parentRunId: string,
    signal: AbortSignal,
    relay: (event: string, data: Record<string, unknown>) => void,
  ): Promise<ModeAnswer> {
    const turn = agentTurn(participant, { message, session_id: options.sessionId });
    if (options.instructions) turn.system = [turn.system, options.instructions].filter(Boolean).join('\n\n');
    if (options.tools) turn.tools = { ...turn.tools, ...options.tools };
    if (options.endTurnWhen) turn.endTurnWhen = options.endTurnWhen;
    const spoken = await this.deps.runner.speak(actor, turn, {
      parentRunId,
      signal,
      // The child's own `done` is the orchestration's `agent_done`; its tokens and tool calls are relayed.
      onEvent: (event) => {
        if (event.event !== 'done') relay(event.event, event.data);
      },
    });
    return { ...speakerOf(participant), content: spoken.content, run_id: spoken.run_id, session_id: spoken.session_id, token_usage: spoken.token_usage };
  }
}
