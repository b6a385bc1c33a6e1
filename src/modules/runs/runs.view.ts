import type { RunRecord } from './runs.repository.js';

/** A run as the API shows it. */
export function toRunView(record: RunRecord, liveLastSeq?: number) {
  return {
    id: record.id,
    kind: record.kind,
    status: record.status,
    agent_id: record.agentId,
    session_id: record.sessionId,
    parent_run_id: record.parentRunId,
    input: record.input,
    output: record.output,
    error: record.errorCode ? { code: record.errorCode, message: record.errorMessage ?? '' } : null,
    token_usage: record.usage,
    last_event_id: Math.max(record.lastSeq, liveLastSeq ?? 0),
    created_at: record.createdAt.toISOString(),
    started_at: record.startedAt?.toISOString() ?? null,
    finished_at: record.finishedAt?.toISOString() ?? null,
  };
}

/** A run as the API shows it. */
export type RunView = ReturnType<typeof toRunView>;
