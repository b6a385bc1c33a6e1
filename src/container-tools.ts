import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Config } from './config/config.js';
import type { Secrets } from './config/secrets.js';
import { builtinTools } from './engine/tools/builtin/builtin-tools.js';
import type { ToolRegistry } from './engine/tools/tool-registry.js';
import { CustomToolsService } from './modules/tools/custom-tools.service.js';
import { McpServersRepository } from './modules/tools/mcp-servers.repository.js';
import { McpServersService } from './modules/tools/mcp-servers.service.js';
import { ToolsRepository, type ToolCallRow } from './modules/tools/tools.repository.js';
import { ToolsService } from './modules/tools/tools.service.js';
import { UploadsService } from './modules/uploads/uploads.service.js';
import { BufferedWriter } from './platform/buffered-writer.js';
import type { Clock } from './platform/clock.js';
import { SecretBox } from './platform/crypto/secret-box.js';
import type { Database } from './platform/db/database.js';
import { extractText } from './platform/documents/extract-text.js';
import { createHttpClient, type HttpClient } from './platform/http-client/index.js';
import type { IdGenerator } from './platform/ids.js';
import type { Logger } from './platform/logger.js';
import { createMcpConnector } from './platform/mcp/mcp-client.js';
import { createProcessSandbox } from './platform/sandbox/index.js';
import type { Sandbox } from './platform/sandbox/sandbox.js';
import { FilesystemWorkspaceStore } from './platform/workspace/workspace-store.filesystem.js';
import type { WorkspaceStore } from './platform/workspace/workspace-store.js';

/** The tool side of the container: outbound HTTP, the sandbox, workspaces, the catalogue. */
export interface ToolServices {
  http: HttpClient;
  sandbox: Sandbox;
  workspace: WorkspaceStore;
  tools: ToolsService;
  customTools: CustomToolsService;
  mcpServers: McpServersService;
  uploads: UploadsService;
  toolUsage: BufferedWriter<ToolCallRow>;
  close(): Promise<void>;
}

/** Users' files live under DATA_DIR (or WORKSPACE_DIR); an in-memory data dir gets a throw-away folder. */
async function workspaceRoot(config: Config): Promise<{ root: string; temporary: boolean }> {
  if (config.tools.workspaceDir) return { root: config.tools.workspaceDir, temporary: false };
  if (config.dataDir.startsWith('memory://')) {
    return { root: await mkdtemp(path.join(os.tmpdir(), 'tiangong-workspaces-')), temporary: true };
  }
  return { root: path.join(config.dataDir, 'workspaces'), temporary: false };
}

/** Wires the tools: the SSRF-guarded client, the sandbox pool, workspaces, built-ins into the registry. */
export async function createToolServices(options: {
  config: Config;
  secrets: Secrets;
  db: Database;
  logger: Logger;
  clock: Clock;
  ids: IdGenerator;
  registry: ToolRegistry;
}): Promise<ToolServices> {
  const { config, db, logger, clock, ids, registry } = options;
  const http = createHttpClient({ allowedPrivateHosts: config.tools.allowedPrivateHosts });
  const { sandbox: limits } = config.tools;
  const sandbox = createProcessSandbox({
    poolSize: { javascript: limits.javascriptWorkers, python: limits.pythonWorkers },
    defaults: { timeoutMs: limits.timeoutMs, memoryMb: limits.memoryMb },
  });
  const workspaceFolder = await workspaceRoot(config);
  const workspace = new FilesystemWorkspaceStore({ rootDirectory: workspaceFolder.root });
  const { webSearch: search, smtp } = config.tools;
  for (const tool of builtinTools({ clock, http, sandbox, workspace, extract: extractText, search, smtp })) {
    registry.register(tool);
  }
  const repository = new ToolsRepository(db);
  const toolUsage = new BufferedWriter<ToolCallRow>({ write: (rows) => repository.insertCalls(rows), logger, label: 'tool call records' });
  const secrets = new SecretBox(options.secrets.encryptionKey);
  const mcpServers = new McpServersService({
    servers: new McpServersRepository(db),
    tools: repository,
    registry,
    connector: createMcpConnector({ fetch: http.fetch }),
    secrets,
    clock,
    ids,
  });
  const deps = { registry, repository, usage: toolUsage, clock, ids, http, sandbox, secrets, callMcpTool: mcpServers.callTool };
  const tools = new ToolsService(deps);
  return {
    http,
    sandbox,
    workspace,
    tools,
    customTools: new CustomToolsService({ ...deps, catalogue: tools }),
    mcpServers,
    uploads: new UploadsService({ workspace, extractText, clock }),
    toolUsage,
    async close() {
      await sandbox.close();
      await toolUsage.flush();
      await http.close();
      // Like an in-memory database, a throw-away workspace goes when the process is done with it.
      if (workspaceFolder.temporary) await rm(workspaceFolder.root, { recursive: true, force: true });
    },
  };
}
