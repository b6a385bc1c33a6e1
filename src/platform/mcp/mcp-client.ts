import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { AppError, isAppError } from '../errors/app-error.js';

/** Where an MCP server listens (streamable HTTP only) and the headers it wants (an API key ...). */
export interface McpEndpoint {
  url: string;
  headers: Record<string, string>;
}

/** A tool an MCP server offers. */
export interface McpToolInfo {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/** What calling an MCP tool returned: its content blocks, or its structured result when it gave one. */
export interface McpCallResult {
  isError: boolean;
  content: unknown[];
  structuredContent?: unknown;
}

/** Talks to MCP servers over streamable HTTP; never spawns anything. */
export interface McpConnector {
  listTools(endpoint: McpEndpoint, signal?: AbortSignal): Promise<McpToolInfo[]>;
  callTool(endpoint: McpEndpoint, name: string, input: unknown, signal?: AbortSignal): Promise<McpCallResult>;
}

/** The MCP server could not be reached or answered something that is not MCP. */
export function mcpUnavailable(url: string, cause: unknown): AppError {
  if (isAppError(cause)) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new AppError({
    code: 'MCP_SERVER_UNAVAILABLE',
    category: 'upstream',
    message: `MCP server ${url} did not answer: ${reason}`,
    details: { url },
    cause,
  });
}

/**
 * An MCP connector over a given fetch (the SSRF-guarded one): each operation opens a session,
 * does its work and closes it, so no connection outlives the request that needed it.
 */
export function createMcpConnector(options: { fetch: typeof globalThis.fetch; timeoutMs?: number }): McpConnector {
  const timeout = options.timeoutMs ?? 30_000;
  async function withClient<T>(endpoint: McpEndpoint, work: (client: Client) => Promise<T>): Promise<T> {
    const transport = new StreamableHTTPClientTransport(new URL(endpoint.url), {
      fetch: options.fetch,
      requestInit: { headers: endpoint.headers },
    });
    const client = new Client({ name: 'tiangong', version: '1.0.0' });
    try {
      await client.connect(transport, { timeout });
      return await work(client);
    } catch (error) {
      throw mcpUnavailable(endpoint.url, error);
    } finally {
      await client.close().catch(() => undefined);
    }
  }
  return {
    listTools(endpoint, signal) {
      return withClient(endpoint, async (client) => {
        const { tools } = await client.listTools(undefined, { timeout, ...(signal ? { signal } : {}) });
        return tools.map((tool) => ({
          name: tool.name,
          description: tool.description ?? '',
          inputSchema: tool.inputSchema as Record<string, unknown>,
        }));
      });
    },
    callTool(endpoint, name, input, signal) {
      return withClient(endpoint, async (client) => {
        const result = await client.callTool({ name, arguments: (input ?? {}) as Record<string, unknown> }, undefined, {
          timeout,
          ...(signal ? { signal } : {}),
        });
        return {
          isError: result.isError === true,
          content: Array.isArray(result.content) ? result.content : [],
          ...(result.structuredContent !== undefined ? { structuredContent: result.structuredContent } : {}),
        };
      });
    },
  };
}
