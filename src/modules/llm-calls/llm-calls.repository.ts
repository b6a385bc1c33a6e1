import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import { llmCalls } from '../../platform/db/schema/index.js';
import type { LlmCallRecord } from '../../platform/llm/llm-call.js';

/** The LLM call log that monitoring reads. */
export class LlmCallsRepository {
  constructor(private readonly db: Database) {}

  /** Stores a batch of call records in one statement. */
  async insertMany(records: LlmCallRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.db.insert(llmCalls).values(
      records.map((record) => ({
        id: record.id,
        runId: record.runId ?? null,
        agentId: record.agentId ?? null,
        sessionId: record.sessionId ?? null,
        userId: record.userId ?? null,
        modelConfigId: record.modelConfigId,
        provider: record.provider,
        model: record.model,
        operation: record.operation,
        status: record.status,
        attempt: record.attempt,
        isFallback: record.isFallback,
        promptTokens: record.promptTokens,
        completionTokens: record.completionTokens,
        totalTokens: record.totalTokens,
        latencyMs: Math.round(record.latencyMs),
        timeToFirstTokenMs: record.timeToFirstTokenMs === null ? null : Math.round(record.timeToFirstTokenMs),
        error: record.error,
        createdAt: record.createdAt,
      })),
    );
  }

  /** A user's calls, oldest first (for tests and the monitoring module). */
  async listByUser(userId: string, sessionId?: string) {
    const conditions = [eq(llmCalls.userId, userId)];
    if (sessionId) conditions.push(eq(llmCalls.sessionId, sessionId));
    return this.db.select().from(llmCalls).where(and(...conditions)).orderBy(asc(llmCalls.createdAt), asc(llmCalls.id));
  }
}
