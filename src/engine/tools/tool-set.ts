import { tool, type ToolSet } from 'ai';
import type { ToolContext } from './tool.js';
import type { RegisteredTool } from './tool-registry.js';

/** One finished tool call, for usage records and monitoring. */
export interface ToolCallRecord {
  toolName: string;
  context: Omit<ToolContext, 'signal'>;
  durationMs: number;
  status: 'succeeded' | 'failed';
  error: string | null;
}

/** Where finished tool calls are reported; reporting never fails a call. */
export type ToolCallObserver = (record: ToolCallRecord) => void;

const neverAborted = new AbortController().signal;

/**
 * The AI SDK tool set for a turn: each tool keeps its name, description and input schema (the SDK
 * validates the model's arguments against it and returns a mismatch to the model as a tool error);
 * `execute` gets the turn's context and abort signal, and every call is reported to `observe`.
 */
export function toToolSet(
  tools: readonly RegisteredTool[],
  context: Omit<ToolContext, 'signal'>,
  observe?: ToolCallObserver,
): ToolSet {
  const set: ToolSet = {};
  for (const definition of tools) {
    set[definition.name] = tool({
      description: definition.description,
      inputSchema: definition.inputSchema,
      execute: async (input: unknown, options) => {
        const started = performance.now();
        const report = (status: ToolCallRecord['status'], error: string | null) => {
          const durationMs = Math.round(performance.now() - started);
          try {
            observe?.({ toolName: definition.name, context, durationMs, status, error });
          } catch {
            // A broken observer must not turn a good tool call into a failed one.
          }
        };
        try {
          const output = await definition.execute(input, { ...context, signal: options.abortSignal ?? neverAborted });
          report('succeeded', null);
          return output;
        } catch (error) {
          report('failed', error instanceof Error ? error.message : String(error));
          throw error;
        }
      },
    });
  }
  return set;
}
