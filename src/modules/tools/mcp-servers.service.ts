import { inputSchemaFromJson, InputSchemaError } from '../../engine/tools/custom/input-schema.js';
import { asToolError, ToolError } from '../../engine/tools/tool.js';
import type { ToolRegistry } from '../../engine/tools/tool-registry.js';
import type { Clock } from '../../platform/clock.js';
import type { SecretBox } from '../../platform/crypto/secret-box.js';
import { AppError, notFound } from '../../platform/errors/app-error.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { IdGenerator } from '../../platform/ids.js';
import type { McpCallResult, McpConnector, McpEndpoint, McpToolInfo } from '../../platform/mcp/mcp-client.js';
import type { McpServerRecord, McpServersRepository } from './mcp-servers.repository.js';
import type { RegisterMcpServerInput } from './mcp-servers.schemas.js';
import { customView } from './tool-views.js';
import type { ToolsRepository } from './tools.repository.js';

const serverNotFound = (id: string) => notFound('MCP_SERVER_NOT_FOUND', 'MCP server', id);
const serverNameTaken = (name: string) =>
  new AppError({ code: 'MCP_SERVER_NAME_TAKEN', category: 'conflict', message: `An MCP server named "${name}" already exists`, details: { name } });

/** A remote tool name as part of ours: snake_case, prefixed by the server's name, at most 64 characters. */
function localName(server: string, remote: string): string {
  const cleaned = remote
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `${server}_${cleaned}`.slice(0, 64);
}

/** What an MCP tool result gives back: its structured result, or its text, or its content blocks. */
function toolOutput(result: McpCallResult): unknown {
  if (result.structuredContent !== undefined) return result.structuredContent;
  const texts = result.content.flatMap((block) =>
    block && typeof block === 'object' && (block as { type?: unknown }).type === 'text' ? [String((block as { text?: unknown }).text)] : [],
  );
  return texts.length === result.content.length ? texts.join('\n') : result.content;
}

/** MCP servers users register over streamable HTTP, whose tools become their tools. */
export class McpServersService {
  constructor(
    private readonly deps: {
      servers: McpServersRepository;
      tools: ToolsRepository;
      registry: ToolRegistry;
      connector: McpConnector;
      secrets: SecretBox;
      clock: Clock;
      ids: IdGenerator;
    },
  ) {}

  /** Connects to the server, lists its tools and adds them; nothing is stored if it cannot be reached. */
  async register(actor: Actor, input: RegisterMcpServerInput) {
    const endpoint = { url: input.url, headers: input.headers };
    const remote = await this.deps.connector.listTools(endpoint);
    const now = this.deps.clock.now();
    const server = await this.deps.servers.insert({
      id: this.deps.ids.uuid(),
      ownerId: actor.userId,
      name: input.name,
      url: input.url,
      headersSealed: Object.keys(input.headers).length > 0 ? this.deps.secrets.seal(JSON.stringify(input.headers)) : null,
      createdAt: now,
      updatedAt: now,
    });
    if (!server) throw serverNameTaken(input.name);
    const skipped = await this.sync(server, remote);
    return this.view(server, skipped);
  }

  async list(actor: Actor) {
    const servers = await this.deps.servers.listByOwner(actor.userId);
    const items = await Promise.all(servers.map((server) => this.view(server, [])));
    return { items, total: items.length };
  }

  async get(actor: Actor, id: string) {
    return this.view(await this.require(actor, id), []);
  }

  /** Lists the server's tools again: new ones are added, changed ones updated, vanished ones removed. */
  async refresh(actor: Actor, id: string) {
    const server = await this.require(actor, id);
    const skipped = await this.sync(server, await this.deps.connector.listTools(this.endpoint(server)));
    await this.deps.servers.touch(actor.userId, id, this.deps.clock.now());
    return this.view((await this.deps.servers.findOwned(actor.userId, id)) ?? server, skipped);
  }

  /** Removes the server and every tool that came from it. */
  async delete(actor: Actor, id: string): Promise<void> {
    await this.require(actor, id);
    for (const tool of await this.deps.tools.listByServer(actor.userId, id)) await this.deps.tools.delete(actor.userId, tool.id);
    await this.deps.servers.delete(actor.userId, id);
  }

  /** Runs one of the owner's MCP tools; a result the server marks as an error is a tool error. */
  callTool = async (ownerId: string, config: Record<string, unknown>, input: unknown, signal: AbortSignal): Promise<unknown> => {
    const server = await this.deps.servers.findOwned(ownerId, String(config.server_id));
    if (!server) throw new ToolError('the MCP server of this tool was removed', 'MCP_SERVER_NOT_FOUND');
    let result: McpCallResult;
    try {
      result = await this.deps.connector.callTool(this.endpoint(server), String(config.remote_name), input, signal);
    } catch (error) {
      throw asToolError(error, 'MCP_SERVER_UNAVAILABLE');
    }
    const output = toolOutput(result);
    if (result.isError) throw new ToolError(typeof output === 'string' ? output : JSON.stringify(output), 'MCP_TOOL_ERROR');
    return output;
  };

  private endpoint(server: McpServerRecord): McpEndpoint {
    const headers = server.headersSealed ? (JSON.parse(this.deps.secrets.open(server.headersSealed)) as Record<string, string>) : {};
    return { url: server.url, headers };
  }

  private async require(actor: Actor, id: string): Promise<McpServerRecord> {
    const server = await this.deps.servers.findOwned(actor.userId, id);
    if (!server) throw serverNotFound(id);
    return server;
  }

  private async sync(server: McpServerRecord, remote: McpToolInfo[]): Promise<Array<{ name: string; reason: string }>> {
    const { tools, registry, clock, ids } = this.deps;
    const existing = new Map((await tools.listByServer(server.ownerId, server.id)).map((tool) => [String(tool.config.remote_name), tool]));
    const skipped: Array<{ name: string; reason: string }> = [];
    const now = clock.now();
    for (const tool of remote) {
      const name = localName(server.name, tool.name);
      try {
        inputSchemaFromJson(tool.inputSchema);
      } catch (error) {
        if (!(error instanceof InputSchemaError)) throw error;
        skipped.push({ name: tool.name, reason: error.message });
        continue;
      }
      const fields = { description: tool.description || tool.name, inputSchema: tool.inputSchema, updatedAt: now };
      const known = existing.get(tool.name);
      existing.delete(tool.name);
      if (known) {
        await tools.update(server.ownerId, known.id, fields);
        continue;
      }
      const inserted = registry.find(name)
        ? null
        : await tools.insert({
            id: ids.uuid(),
            ownerId: server.ownerId,
            name,
            category: 'mcp',
            type: 'mcp',
            config: { server_id: server.id, remote_name: tool.name },
            enabled: true,
            createdAt: now,
            ...fields,
          });
      if (!inserted) skipped.push({ name: tool.name, reason: `the name ${name} is already taken` });
    }
    for (const gone of existing.values()) await tools.delete(server.ownerId, gone.id);
    return skipped;
  }

  private async view(server: McpServerRecord, skipped: Array<{ name: string; reason: string }>) {
    const headerNames = server.headersSealed ? Object.keys(JSON.parse(this.deps.secrets.open(server.headersSealed)) as object) : [];
    const tools = await this.deps.tools.listByServer(server.ownerId, server.id);
    return {
      id: server.id,
      name: server.name,
      url: server.url,
      header_names: headerNames,
      tools: tools.map(customView),
      skipped,
      created_at: server.createdAt.toISOString(),
      updated_at: server.updatedAt.toISOString(),
    };
  }
}
