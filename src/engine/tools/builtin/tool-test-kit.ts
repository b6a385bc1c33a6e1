import { ToolError, type ToolContext } from '../tool.js';
import type { RegisteredTool } from '../tool-registry.js';

/** A context for calling tools directly in tests: a user, no agent, no run, a live signal. */
export function testToolContext(): ToolContext {
  return { userId: 'u', agentId: null, runId: null, signal: new AbortController().signal };
}

/** Validates raw input against a tool's schema, as the registry's callers do, then runs the tool. */
export async function runTool<Output = Record<string, unknown>>(
  tools: RegisteredTool[],
  name: string,
  input: unknown,
): Promise<Output> {
  const tool = tools.find((candidate) => candidate.name === name);
  if (!tool) throw new Error(`No tool named ${name}`);
  return (await tool.execute(tool.inputSchema.parse(input), testToolContext())) as Output;
}

/** Runs a tool that is expected to fail with a `ToolError`, and returns that error. */
export async function toolErrorOf(tools: RegisteredTool[], name: string, input: unknown): Promise<ToolError> {
  try {
    await runTool(tools, name, input);
  } catch (error) {
    if (error instanceof ToolError) return error;
    throw error;
  }
  throw new Error(`${name} succeeded with ${JSON.stringify(input)}`);
}
