import type { z } from 'zod';

/** Who is calling a tool, and the signal that stops it (a cancelled run, a caller who left). */
export interface ToolContext {
  userId: string;
  /** The agent whose turn called the tool; null when a user invokes it directly. */
  agentId: string | null;
  /** The run the call belongs to; null outside a run (a direct `/tools/{id}/use`). */
  runId: string | null;
  signal: AbortSignal;
}

/**
 * A tool as agents, workflows and the tools API see it. The input schema is the contract: the
 * model is shown its JSON Schema, and every call is validated against it before `execute` runs.
 */
export interface ToolDefinition<Input = unknown, Output = unknown> {
  /** Unique, snake_case: the name a model calls. */
  name: string;
  category: string;
  /** What the tool does and when to use it, written for a model choosing between tools. */
  description: string;
  inputSchema: z.ZodType<Input>;
  /**
   * Does the work. A failure the caller can act on is a thrown `ToolError`; it reaches the model as
   * the tool's result, never as a crash of the turn.
   */
  execute(input: Input, context: ToolContext): Promise<Output>;
}

/** A tool failure with a message meant for the model or the user (bad input, upstream refused ...). */
export class ToolError extends Error {
  constructor(
    message: string,
    readonly code = 'TOOL_ERROR',
  ) {
    super(message);
    this.name = 'ToolError';
  }
}

/**
 * Any failure as a ToolError: its message, and its own UPPER_SNAKE code when it has one (an
 * AppError's SSRF_BLOCKED, a system ECONNREFUSED ...), because that code says what went wrong;
 * otherwise `fallbackCode`.
 */
export function asToolError(error: unknown, fallbackCode: string): ToolError {
  if (error instanceof ToolError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return new ToolError(message, typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code) ? code : fallbackCode);
}

/** Declares a tool with its input type inferred from the schema. */
export function defineTool<Schema extends z.ZodType, Output>(tool: {
  name: string;
  category: string;
  description: string;
  inputSchema: Schema;
  execute(input: z.output<Schema>, context: ToolContext): Promise<Output>;
}): ToolDefinition<z.output<Schema>, Output> {
  return tool as ToolDefinition<z.output<Schema>, Output>;
}
