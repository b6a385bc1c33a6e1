import type { FastifyReply } from 'fastify';
import type { ChatRunner } from '../../modules/agent-chat/chat-runner.js';
import { agentTurn } from '../../modules/agent-chat/agent-turn.js';
import type { RunsService } from '../../modules/runs/runs.service.js';
import type { AgentDefinition } from '../../platform/db/schema/index.js';
import type { Actor } from '../../platform/http/authenticate.js';
import { callerGone } from '../../platform/http/caller-gone.js';
import { AgentEventTranslator, epochSeconds, runMetrics, type AgentRunIdentity } from './agentos.events.js';
import { relayRun } from './agentos.relay.js';
import type { AgnoEvent } from './agentos.sse.js';
import type { AgentModel } from './agentos.views.js';

/** What one agent run needs: the agent, its model, the caller's message and session. */
export interface AgentRunRequest {
  actor: Actor;
  agent: { id: string; definition: AgentDefinition };
  model: AgentModel | null;
  message: string;
  sessionId: string | undefined;
}

/** Runs agents for the face through the same chat runner as /api/v1: streamed as AgentOS events, or as one RunOutput. */
export class AgentOsRuns {
  constructor(private readonly deps: { runner: ChatRunner; runs: RunsService }) {}

  /**
   * Starts the turn (errors before the stream are plain answers), then relays its run log as
   * AgentOS events; `readdress` lets a team speak through its main agent's turn.
   */
  async stream(request: AgentRunRequest, reply: FastifyReply, readdress: (event: AgnoEvent) => AgnoEvent = (event) => event): Promise<void> {
    const { actor, agent, model } = request;
    const turn = agentTurn(agent, { message: request.message, session_id: request.sessionId });
    const { sessionId, runId } = await this.deps.runner.startStream(actor, turn);
    const identity: AgentRunIdentity = {
      agentId: agent.id,
      agentName: agent.definition.name,
      runId,
      sessionId,
      model: model?.id ?? '',
      modelProvider: model?.provider ?? '',
    };
    const translator = new AgentEventTranslator(identity);
    await relayRun({
      runs: this.deps.runs,
      actor,
      runId,
      reply,
      first: readdress(translator.started()),
      translate: (event) => translator.translate(event).map(readdress),
    });
  }

  /** One turn answered when done, as AgentOS' `RunOutput.to_dict()`; a caller who hangs up cancels it. */
  async reply(request: AgentRunRequest, reply: FastifyReply) {
    const { actor, agent, model } = request;
    const turn = agentTurn(agent, { message: request.message, session_id: request.sessionId });
    const startedAt = epochSeconds();
    const answer = await this.deps.runner.reply(actor, turn, { signal: callerGone(reply) });
    const finishedAt = epochSeconds();
    return {
      run_id: answer.run_id,
      agent_id: agent.id,
      agent_name: agent.definition.name,
      session_id: answer.session_id,
      input: { input_content: request.message },
      content: answer.content,
      content_type: 'str',
      model: model?.id ?? answer.model,
      model_provider: model?.provider ?? '',
      messages: [
        { role: 'user', content: request.message, created_at: startedAt },
        { id: answer.message_id, role: 'assistant', content: answer.content, created_at: finishedAt },
      ],
      metrics: runMetrics(answer.token_usage),
      ...(answer.citations ? { citations: answer.citations } : {}),
      created_at: startedAt,
      status: 'COMPLETED',
    };
  }
}
