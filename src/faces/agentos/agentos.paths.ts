/**
 * Which request paths belong to the AgentOS face: it is mounted at the root, beside /api/v1, with
 * the spec's own CORS rules and trailing-slash handling, so app-wide hooks ask this one place.
 */
export const agentOsPrefixes: readonly string[] = ['/agents', '/teams', '/workflows', '/sessions'];
const faceExact = new Set(['/', '/health', '/info', '/config', '/models']);

/** True when `path` (without query) is one of the face's paths. */
export function isAgentOsPath(path: string): boolean {
  if (faceExact.has(path)) return true;
  return agentOsPrefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/**
 * fastify's `rewriteUrl`: AgentOS strips trailing slashes before routing (`/agents/` is `/agents`,
 * no redirect). Only the face's paths are touched; the platform API keeps its strict routing.
 */
export function stripAgentOsTrailingSlash(url: string): string {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  if (path.length < 2 || !path.endsWith('/')) return url;
  const stripped = path.replace(/\/+$/, '') || '/';
  if (!isAgentOsPath(stripped)) return url;
  return queryAt === -1 ? stripped : stripped + url.slice(queryAt);
}
