/**
 * The explicit list of routes that answer without a token. Everything else is authenticated;
 * the route-table test walks every registered route and holds the server to this list.
 */
export const publicRoutes: ReadonlySet<string> = new Set([
  'GET /health',
  // The AgentOS face's identity and info are public, as in AgentOS (docs/agentos.md).
  'GET /',
  'GET /info',
  // AgentOS' workflow socket authenticates by message after the upgrade (agentos.workflow-socket.ts).
  'GET /workflows/ws',
  'POST /api/v1/auth/register',
  'POST /api/v1/auth/login',
  'GET /openapi.json',
  // Webhooks prove themselves with the workflow's secret instead of a token (webhooks.service.ts).
  'POST /api/v1/webhooks/:workflow_id',
  'POST /api/v1/webhooks/by-name/:owner_id/:name',
]);

/** Route prefixes that are public as a whole: Swagger UI and its static assets. */
export const publicPrefixes: readonly string[] = ['/docs'];

/** True when `method` + `url` (the route pattern, not the concrete path) needs no token. */
export function isPublicRoute(method: string, url: string): boolean {
  const effectiveMethod = method === 'HEAD' ? 'GET' : method;
  if (publicRoutes.has(`${effectiveMethod} ${url}`)) return true;
  return publicPrefixes.some((prefix) => url === prefix || url.startsWith(`${prefix}/`));
}
