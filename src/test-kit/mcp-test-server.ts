import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/** A real MCP server (the official SDK, streamable HTTP, stateless) on 127.0.0.1 for tests. */
export interface McpTestServer {
  url: string;
  /** Every tools/call it answered: the tool and its arguments. */
  calls: Array<{ name: string; arguments: unknown }>;
  /** Authorization headers of the requests it received. */
  authorizations: Array<string | undefined>;
  /** Switches to the second tool list (forecast changed, echo gone, time added), for refresh tests. */
  useSecondToolList(): void;
  close(): Promise<void>;
}

function buildServer(state: { second: boolean; calls: McpTestServer['calls'] }): McpServer {
  const server = new McpServer({ name: 'test-weather', version: '1.0.0' });
  server.registerTool(
    'getForecast',
    {
      description: state.second ? 'Forecast, version two.' : 'Weather forecast for a city.',
      inputSchema: { city: z.string().describe('City name'), days: z.number().int().optional() },
    },
    async (input) => {
      state.calls.push({ name: 'getForecast', arguments: input });
      if (input.city === 'Atlantis') return { isError: true, content: [{ type: 'text', text: 'unknown city Atlantis' }] };
      return { content: [{ type: 'text', text: `Sunny in ${input.city} for ${input.days ?? 1} day(s)` }] };
    },
  );
  if (!state.second) {
    server.registerTool('echo', { description: 'Echoes its input.', inputSchema: { text: z.string() } }, async (input) => {
      state.calls.push({ name: 'echo', arguments: input });
      return { content: [{ type: 'text', text: input.text }] };
    });
  } else {
    server.registerTool('time', { description: 'The time.', inputSchema: {} }, async () => ({
      content: [{ type: 'text', text: '12:00' }],
    }));
  }
  return server;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown) : undefined;
}

/** Starts the server; when `token` is set, requests without `Authorization: Bearer <token>` get 401. */
export async function startMcpTestServer(options: { token?: string } = {}): Promise<McpTestServer> {
  const state = { second: false, calls: [] as McpTestServer['calls'] };
  const authorizations: Array<string | undefined> = [];
  const http = createServer(async (request, response) => {
    authorizations.push(request.headers.authorization);
    if (options.token && request.headers.authorization !== `Bearer ${options.token}`) {
      response.writeHead(401).end('unauthorized');
      return;
    }
    // Stateless: a fresh server and transport per request, as the SDK documents for this mode.
    const server = buildServer(state);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    response.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(request, response, await readJson(request));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    calls: state.calls,
    authorizations,
    useSecondToolList: () => {
      state.second = true;
    },
    close: () =>
      new Promise((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
