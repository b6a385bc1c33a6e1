import { z } from 'zod';
import type { Sandbox, SandboxLanguage } from '../../../platform/sandbox/sandbox.js';
import { codeToolExecutor } from '../custom/code-tool.js';
import { defineTool } from '../tool.js';
import type { RegisteredTool } from '../tool-registry.js';

const inputField = z
  .record(z.string(), z.unknown())
  .default({})
  .describe('A JSON object handed to the code as `input`');
const timeoutField = z.number().int().min(100).max(30_000).default(10_000).describe('Wall-time limit in milliseconds');

function codeTool(options: { name: string; language: SandboxLanguage; description: string; example: string }, sandbox: Sandbox) {
  return defineTool({
    name: options.name,
    category: 'code',
    description: options.description,
    inputSchema: z.object({
      code: z.string().min(1).max(100_000).describe(`The program, e.g. ${options.example}`),
      input: inputField,
      timeout_ms: timeoutField,
    }),
    async execute({ code, input, timeout_ms }, context) {
      return codeToolExecutor({ language: options.language, code, timeout_ms }, { sandbox })(input, context);
    },
  });
}

/**
 * `run_javascript` and `run_python`: run a model's code in the sandbox (no network, no files, no
 * environment, time and memory limits) and return its result and what it printed.
 */
export function codeTools(deps: { sandbox: Sandbox }): RegisteredTool[] {
  return [
    codeTool(
      {
        name: 'run_javascript',
        language: 'javascript',
        description:
          'Runs JavaScript (ES2023, QuickJS) in an isolated sandbox and returns { result, logs }. The result is the value ' +
          'of main(input) when the code defines main (awaited if async), otherwise the value of the last expression; it ' +
          'must be JSON-serialisable. console.log output is returned as logs. No network, file system, timers or Node APIs. ' +
          'Use it for exact computation and data transformation.',
        example: '"const xs = input.values; xs.reduce((a, b) => a + b, 0)"',
      },
      deps.sandbox,
    ),
    codeTool(
      {
        name: 'run_python',
        language: 'python',
        description:
          'Runs Python 3 (Pyodide, standard library only) in an isolated sandbox and returns { result, logs }. The result ' +
          'is the value of main(input) when the code defines main (input is a dict), otherwise the value of the last ' +
          'expression; it must be JSON-serialisable. print output is returned as logs. No network, files or subprocesses. ' +
          'Use it for exact computation, statistics, dates and text processing.',
        example: '"import statistics\\nstatistics.median(input[\'values\'])"',
      },
      deps.sandbox,
    ),
  ];
}
