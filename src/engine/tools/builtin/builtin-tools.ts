import type { Clock } from '../../../platform/clock.js';
import type { TextExtractor } from '../../../platform/documents/extracted-document.js';
import type { HttpClient } from '../../../platform/http-client/index.js';
import type { Sandbox } from '../../../platform/sandbox/sandbox.js';
import type { WorkspaceStore } from '../../../platform/workspace/workspace-store.js';
import type { RegisteredTool } from '../tool-registry.js';
import { codeTools } from './code.tools.js';
import { fileTools } from './files.tools.js';
import { emailTools } from './email.tools.js';
import { createPureBuiltinTools } from './pure-tools.js';
import type { WebSearchSettings } from './web-search.js';
import { webTools } from './web.tools.js';

/** What the built-in tools need from the platform. */
export interface BuiltinToolDeps {
  clock: Clock;
  http: HttpClient;
  sandbox: Sandbox;
  workspace: WorkspaceStore;
  extract: TextExtractor;
  search: WebSearchSettings;
  smtp: { url?: string | undefined; from?: string | undefined };
}

/**
 * Every built-in tool that needs no module: computation, dates, text and data, files in the
 * user's workspace, code in the sandbox, the web, e-mail. Tools that call a module (agents, knowledge bases,
 * workflows ...) are registered by that module.
 */
export function builtinTools(deps: BuiltinToolDeps): RegisteredTool[] {
  return [
    ...createPureBuiltinTools(deps.clock),
    ...fileTools({ workspace: deps.workspace, extract: deps.extract }),
    ...codeTools({ sandbox: deps.sandbox }),
    ...webTools({ http: deps.http, search: deps.search }),
    ...emailTools({
      smtp: deps.smtp,
      // SMTP is not HTTP, but the destination must pass the same SSRF policy; connect to the checked address.
      resolveHost: async (host) => (await deps.http.check(`http://${host.includes(':') ? `[${host}]` : host}/`)).address,
    }),
  ];
}
