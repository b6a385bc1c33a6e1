import { speakerOf, turnOf, type ModeAnswer, type ModeResult } from '../../engine/orchestration/mode-context.js';
import { Blackboard } from '../../engine/orchestration/swarm-blackboard.js';
import { memberKeys, SwarmState, type SwarmHandoff } from '../../engine/orchestration/swarm.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { AgentsService } from '../agents/agents.service.js';
import { sessionNotFound } from '../agent-chat/chat.errors.js';
import type { ConversationsRepository } from '../agent-chat/conversations.repository.js';
import type { OrchestrationContext, OrchestrationRunner, Participant } from '../orchestration/orchestration-runner.js';
import type { StartedRun } from '../runs/runs.service.js';
import { swarmInvalid } from './swarm.errors.js';
import { swarmLimits, type SwarmResult } from './swarm.schemas.js';
import { swarmInstructions, swarmMessage, type MemberProfile } from './swarm-prompts.js';
import { swarmTools } from './swarm-tools.js';

/** What a swarm is asked to do, in plain terms (the HTTP body maps onto it; teams may call it directly). */
export interface SwarmInput {
  message: string;
  /** 2 to 10 of the caller's agents. */
  agentIds: string[];
  /** The agent that speaks first; default the first of `agentIds`. */
  entryAgentId?: string | undefined;
  maxHandoffs: number;
  blackboard?: Record<string, unknown>;
  /** Each agent's chat session to continue (agent id -> session id). */
  sessions?: Record<string, string> | undefined;
}

/** How a swarm run is started: a plain caller's signal (hang-up cancels), the run that started it. */
export interface SwarmRunOptions {
  signal?: AbortSignal;
  parentRunId?: string | null;
}

/**
 * Swarms: agents that pass control to one another with hand-off tools and share a blackboard, until
 * one answers without handing off or the hand-off limit is reached. A swarm is a durable run (kind
 * `swarm`) whose log shows every agent's tokens and tool calls under its name, and a `handoff` event
 * at every transfer; each agent's turn is a child run of it.
 */
export class SwarmService {
  constructor(private readonly deps: { agents: AgentsService; orchestration: OrchestrationRunner; conversations: Pick<ConversationsRepository, 'findById'> }) {}

  /** Checks the agents (404 for one that is not the caller's) and starts the run in the background. */
  async start(actor: Actor, input: SwarmInput, options: SwarmRunOptions = {}): Promise<StartedRun> {
    this.check(input);
    const participants: Participant[] = [];
    for (const id of input.agentIds) participants.push(await this.deps.agents.forChat(actor, id));
    await this.checkSessions(actor, input.sessions ?? {});
    const entryAgentId = input.entryAgentId ?? input.agentIds[0]!;
    const blackboard = input.blackboard ?? {};
    return this.deps.orchestration.start(
      actor,
      {
        kind: 'swarm',
        mode: 'swarm',
        input: { message: input.message, agent_ids: input.agentIds, entry_agent_id: entryAgentId, max_handoffs: input.maxHandoffs, blackboard },
        ...(options.signal ? { signal: options.signal } : {}),
        parentRunId: options.parentRunId ?? null,
      },
      (context) => this.execute(context, participants, { ...input, entryAgentId, blackboard }),
    );
  }

  /** Runs a swarm to the end and answers its output; a failed or cancelled run throws its error. */
  async run(actor: Actor, input: SwarmInput, options: SwarmRunOptions = {}): Promise<SwarmResult> {
    const started = await this.start(actor, input, options);
    const settled = await started.settled;
    if (settled.error) throw settled.error;
    return settled.output as SwarmResult;
  }

  /** Every session to continue is the caller's, with that agent: checked before anything starts. */
  private async checkSessions(actor: Actor, sessions: Record<string, string>): Promise<void> {
    for (const [agentId, sessionId] of Object.entries(sessions)) {
      const session = await this.deps.conversations.findById(actor.userId, sessionId);
      if (!session || session.agentId !== agentId) throw sessionNotFound(sessionId);
    }
  }

  private check(input: SwarmInput): void {
    const { agentIds } = input;
    if (agentIds.length < swarmLimits.minAgents || agentIds.length > swarmLimits.maxAgents) {
      throw swarmInvalid('agent_ids', `a swarm has ${swarmLimits.minAgents} to ${swarmLimits.maxAgents} agents`);
    }
    if (new Set(agentIds).size !== agentIds.length) throw swarmInvalid('agent_ids', 'each agent once');
    if (input.entryAgentId && !agentIds.includes(input.entryAgentId)) throw swarmInvalid('entry_agent_id', 'entry_agent_id must be one of agent_ids');
    if (!Number.isInteger(input.maxHandoffs) || input.maxHandoffs < 1 || input.maxHandoffs > swarmLimits.maxHandoffs) {
      throw swarmInvalid('max_handoffs', `max_handoffs is 1 to ${swarmLimits.maxHandoffs}`);
    }
  }

  /**
   * The run's body: the member holding control speaks (with the request, the hand-off it got and the
   * blackboard); if it handed off, a `handoff` event names the receiver, who speaks next; otherwise
   * its answer is the result.
   */
  private async execute(
    context: OrchestrationContext,
    participants: Participant[],
    input: SwarmInput & { entryAgentId: string; blackboard: Record<string, unknown> },
  ): Promise<ModeResult> {
    const keys = memberKeys(participants.map((participant) => participant.definition.name));
    const profiles: MemberProfile[] = participants.map((participant, index) => ({
      id: participant.id,
      name: participant.definition.name,
      key: keys[index]!,
      description: participant.definition.description,
    }));
    const byId = new Map(participants.map((participant) => [participant.id, participant]));
    const state = new SwarmState(profiles, { entryId: input.entryAgentId, maxHandoffs: input.maxHandoffs });
    const blackboard = new Blackboard(input.blackboard);
    const sessions = new Map(Object.entries(input.sessions ?? {}));
    const turns: ModeAnswer[] = [];
    let handoff: SwarmHandoff | null = null;
    for (;;) {
      const member = state.current;
      const participant = byId.get(member.id)!;
      state.beginTurn();
      const answer = await context.speak(participant, swarmMessage(input.message, handoff, blackboard.snapshot()), {
        sessionId: sessions.get(member.id),
        instructions: swarmInstructions(profiles, member, state.remaining),
        tools: swarmTools({
          state,
          blackboard,
          members: profiles,
          onWrite: (key, value) => context.emit('blackboard', { key, value }, speakerOf(participant)),
        }),
        labels: { turn: turns.length + 1 },
        endTurnWhen: () => state.handedOff,
      });
      turns.push(answer);
      sessions.set(member.id, answer.session_id);
      const outcome = state.endTurn();
      if ('stopped' in outcome) {
        return { speaker: speakerOf(participant), output: this.output(answer, outcome.stopped, { state, blackboard, turns, sessions }) };
      }
      handoff = outcome.handoff;
      context.emit('handoff', handoffEvent(handoff), speakerOf(byId.get(handoff.to.id)!));
    }
  }

  private output(
    last: ModeAnswer,
    stopped: string,
    run: { state: SwarmState; blackboard: Blackboard; turns: ModeAnswer[]; sessions: Map<string, string> },
  ): Record<string, unknown> {
    return {
      result: last.content,
      stopped,
      final_agent_id: last.agent_id,
      final_agent_name: last.agent_name,
      handoffs: run.state.handoffs.map((handoff) => ({
        ...handoffEvent(handoff),
        to_agent_id: handoff.to.id,
        to_agent_name: handoff.to.name,
      })),
      turns: run.turns.map((turn) => turnOf(turn)),
      blackboard: run.blackboard.snapshot(),
      sessions: Object.fromEntries(run.sessions),
    };
  }
}

/** The `handoff` event's fields (its speaker is the receiving agent). */
function handoffEvent(handoff: SwarmHandoff) {
  return { from_agent_id: handoff.from.id, from_agent_name: handoff.from.name, reason: handoff.reason, context: handoff.context };
}
