import { z } from 'zod';
import type { NodeType } from '../node-type.js';

const toolConfigSchema = z
  .object({
    tool: z.string().min(1).max(100).describe('The name of a built-in or custom tool'),
    arguments: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('The tool input (values resolved; a whole {{reference}} keeps its type)'),
  })
  .strict();

/** The config of a `tool` node. */
export type ToolConfig = z.infer<typeof toolConfigSchema>;

/**
 * `tool`: calls a tool by name. Output `{ result }` (null when the tool returned nothing). A tool
 * failure fails the node (unlike in an agent loop, no model is there to recover from it).
 */
export const toolNode: NodeType<ToolConfig> = {
  type: 'tool',
  description: 'Calls a built-in or custom tool with arguments and returns its result',
  configSchema: toolConfigSchema,
  async run({ config, services, signal }) {
    const result = await services.callTool({ name: config.tool, arguments: config.arguments, signal });
    return { kind: 'done', output: { result: result ?? null } };
  },
};
