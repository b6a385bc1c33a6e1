import { z } from 'zod';
import { uuidSchema } from '../../platform/http/schemas.js';
import { toolSchema } from './tools.schemas.js';

export const mcpServerParamsSchema = z.object({ server_id: uuidSchema });

export const registerMcpServerBodySchema = z.object({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,29}$/, 'snake_case, at most 30 characters')
    .describe("Short snake_case name; the server's tools are named <name>_<tool>"),
  url: z.url({ protocol: /^https?$/ }).max(2048).describe('The streamable HTTP endpoint, e.g. https://mcp.example.com/mcp'),
  headers: z
    .record(z.string().min(1).max(200), z.string().max(8192))
    .refine((headers) => Object.keys(headers).length <= 20, 'at most 20 headers')
    .default({})
    .describe('Sent with every request (e.g. Authorization); encrypted at rest, never returned'),
});
export type RegisterMcpServerInput = z.output<typeof registerMcpServerBodySchema>;

export const mcpServerSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    url: z.string(),
    header_names: z.array(z.string()).describe('Names of the stored headers; their values are never returned'),
    tools: z.array(toolSchema),
    skipped: z
      .array(z.object({ name: z.string(), reason: z.string() }))
      .describe('Tools of the server that could not be added, and why'),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .describe('McpServer');
