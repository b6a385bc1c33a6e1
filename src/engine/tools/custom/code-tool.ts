import type { Sandbox, SandboxLanguage } from '../../../platform/sandbox/sandbox.js';
import { ToolError, type ToolContext } from '../tool.js';

/** The code of a custom code tool; it runs in the sandbox with the tool's input as `input`. */
export interface CodeToolConfig {
  language: SandboxLanguage;
  code: string;
  timeout_ms: number;
}

/** What a code tool returns: the code's result and what it printed. */
export interface CodeToolOutput {
  result: unknown;
  logs: string;
}

/**
 * The work of a custom code tool: run the code in the sandbox with the input, the tool's time
 * limit and the run's abort signal. A timeout, memory overrun or exception is a tool error whose
 * message says which, so the model can react.
 */
export function codeToolExecutor(config: CodeToolConfig, deps: { sandbox: Sandbox }) {
  return async (input: unknown, context: Pick<ToolContext, 'signal'>): Promise<CodeToolOutput> => {
    const outcome = await deps.sandbox.run({
      language: config.language,
      code: config.code,
      input,
      timeoutMs: config.timeout_ms,
      signal: context.signal,
    });
    if (!outcome.ok) {
      const logs = outcome.logs ? `\nlogs:\n${outcome.logs.slice(-2000)}` : '';
      throw new ToolError(`${outcome.error.kind}: ${outcome.error.message}${logs}`, `CODE_${outcome.error.kind.toUpperCase()}`);
    }
    return { result: outcome.result, logs: outcome.logs };
  };
}
