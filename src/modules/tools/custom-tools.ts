import { codeToolExecutor } from '../../engine/tools/custom/code-tool.js';
import { httpToolExecutor, type HttpToolAuth, type HttpToolConfig } from '../../engine/tools/custom/http-tool.js';
import { inputSchemaFromJson } from '../../engine/tools/custom/input-schema.js';
import type { RegisteredTool } from '../../engine/tools/tool-registry.js';
import type { SecretBox } from '../../platform/crypto/secret-box.js';
import type { HttpClient } from '../../platform/http-client/index.js';
import type { Sandbox } from '../../platform/sandbox/sandbox.js';
import type { CustomToolRecord } from './tools.repository.js';
import { codeToolConfigSchema, httpToolConfigSchema, type HttpToolConfigInput } from './tools.schemas.js';

/** What custom tools need to run. */
export interface CustomToolDeps {
  http: HttpClient;
  sandbox: Sandbox;
  secrets: SecretBox;
  /** Runs a tool of a registered MCP server; absent until MCP servers are wired. */
  callMcpTool?: (ownerId: string, config: Record<string, unknown>, input: unknown, signal: AbortSignal) => Promise<unknown>;
}

/** The secret an HTTP tool's auth carries, if any. */
export function secretOf(auth: HttpToolConfigInput['auth']): string | undefined {
  if (auth.type === 'api_key') return auth.key;
  if (auth.type === 'bearer') return auth.token;
  if (auth.type === 'basic') return auth.password;
  return undefined;
}

/** The auth as stored and run: everything but the secret. */
export function publicAuth(auth: HttpToolConfigInput['auth']): HttpToolAuth {
  if (auth.type === 'api_key') return { type: 'api_key', in: auth.in, name: auth.name };
  if (auth.type === 'basic') return { type: 'basic', username: auth.username };
  return { type: auth.type };
}

/** An HTTP config as stored: the API's shape without the secret. */
export function storedHttpConfig(input: HttpToolConfigInput): HttpToolConfig {
  return { ...input, auth: publicAuth(input.auth) };
}

/** A stored config read back through its schema, as every JSON column is. */
function httpConfigOf(record: CustomToolRecord): HttpToolConfig {
  return storedHttpConfig(httpToolConfigSchema.parse(record.config));
}

/**
 * A custom tool as a registered tool: its JSON Schema becomes the input validator, and `execute`
 * sends its HTTP request, runs its code in the sandbox, or calls its MCP server.
 */
export function customToolDefinition(record: CustomToolRecord, deps: CustomToolDeps): RegisteredTool {
  const base = { name: record.name, category: record.category, description: record.description, inputSchema: inputSchemaFromJson(record.inputSchema) };
  if (record.type === 'http') {
    const credential = record.secretSealed ? deps.secrets.open(record.secretSealed) : null;
    return { ...base, execute: httpToolExecutor(httpConfigOf(record), { http: deps.http, credential }) };
  }
  if (record.type === 'code') {
    return { ...base, execute: codeToolExecutor(codeToolConfigSchema.parse(record.config), { sandbox: deps.sandbox }) };
  }
  const callMcpTool = deps.callMcpTool;
  return {
    ...base,
    execute: async (input, context) => {
      if (!callMcpTool) throw new Error('MCP servers are not available');
      return callMcpTool(record.ownerId, record.config, input, context.signal);
    },
  };
}
