import type { FastifyReply } from 'fastify';
import { callerGone } from '../../platform/http/caller-gone.js';
import type { Actor } from '../../platform/http/authenticate.js';
import { streamRunEvents } from '../runs/run-stream.js';
import type { RunsService, StartedRun } from '../runs/runs.service.js';
import type { OrchestrationResult } from './orchestration.schemas.js';

/**
 * The run options of an HTTP caller: a plain (non-streamed) caller who hangs up cancels the run, as
 * nobody could re-attach to it; a streamed run goes on without its client (GET /runs/{id}/events).
 */
export function callerOptions(reply: FastifyReply, stream: boolean): { signal?: AbortSignal } {
  return stream ? {} : { signal: callerGone(reply) };
}

/**
 * Answers a started orchestration: as SSE (each event with its sequence number as id, X-Run-Id
 * header) until the run ends, or once it ends as JSON, the fields of its `done` event.
 */
export async function answerOrchestration(options: {
  runs: RunsService;
  actor: Actor;
  reply: FastifyReply;
  started: StartedRun;
  stream: boolean;
}): Promise<OrchestrationResult | undefined> {
  const { runs, actor, reply, started } = options;
  if (options.stream) {
    await streamRunEvents({ runs, actor, runId: started.id, reply });
    return undefined;
  }
  const settled = await started.settled;
  if (settled.error) throw settled.error;
  return settled.output as OrchestrationResult;
}

/** The description shared by streamed orchestration routes. */
export const orchestrationStreamDescription =
  'With stream: true the answer is Server-Sent Events, every one with agent_id and agent_name (null and "orchestrator" ' +
  'when no agent speaks): agent_start {message, ...labels}, token {content}, tool_call, tool_result, agent_done {content, run_id, ' +
  'token_usage, ...labels}, and per mode route {reason, candidates}, round {round, rounds}, stage {stage, name}, verdict ' +
  '{verdict, reasons, winner, parsed, problem}; then done {mode, content, turns, ..., token_usage, run_id} or error. The ' +
  'X-Run-Id header names the run: GET /runs/{id}/events re-attaches (Last-Event-ID), POST /runs/{id}/cancel stops it. ' +
  'With stream: false the answer is the done event as JSON. See docs/orchestration.md.';
