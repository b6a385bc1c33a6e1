import { z } from 'zod';
import type { RegisteredTool } from '../../engine/tools/tool-registry.js';
import type { CustomToolRecord } from './tools.repository.js';
import type { ToolView } from './tools.schemas.js';

const jsonSchemas = new WeakMap<RegisteredTool, Record<string, unknown>>();

/** The JSON Schema of a built-in tool's input, as models and clients see it (computed once per tool). */
export function builtinJsonSchema(tool: RegisteredTool): Record<string, unknown> {
  let schema = jsonSchemas.get(tool);
  if (!schema) {
    const { $schema: _dialect, ...rest } = z.toJSONSchema(tool.inputSchema, { io: 'input' }) as Record<string, unknown>;
    schema = rest;
    jsonSchemas.set(tool, schema);
  }
  return schema;
}

/** A built-in tool as the API shows it; its id is its name. */
export function builtinView(tool: RegisteredTool): ToolView {
  return {
    id: tool.name,
    name: tool.name,
    description: tool.description,
    category: tool.category,
    type: 'builtin',
    builtin: true,
    input_schema: builtinJsonSchema(tool),
    enabled: true,
    config: null,
    created_at: null,
    updated_at: null,
  };
}

/** A custom tool as the API shows it: its config with the credential masked, never in full. */
export function customView(record: CustomToolRecord): ToolView {
  const config = { ...record.config };
  if (record.type === 'http' && config.auth && typeof config.auth === 'object') {
    config.auth = { ...config.auth, secret_masked: record.secretMasked };
  }
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    category: record.category,
    type: record.type,
    builtin: false,
    input_schema: record.inputSchema,
    enabled: record.enabled,
    config,
    created_at: record.createdAt.toISOString(),
    updated_at: record.updatedAt.toISOString(),
  };
}
