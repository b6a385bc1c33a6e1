import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ChatService } from '../../modules/agent-chat/chat.service.js';
import type { RunView } from '../../modules/runs/runs.view.js';
import type { RunsService } from '../../modules/runs/runs.service.js';
import type { Actor } from '../../platform/http/authenticate.js';
import { actorOf } from '../../platform/http/authenticate.js';
import { allPages } from '../all-pages.js';
import { findOr404, isUuid } from './agentos.agents.js';
import { badRequest, notFoundDetail } from './agentos.errors.js';
import { agentOsDbId, toRunSchema, toSessionDetail, toSessionSchema } from './agentos.views.js';

/** What the session routes use. */
export interface AgentOsSessionRoutesOptions {
  chat: ChatService;
  runs: RunsService;
}

const tags = ['agentos'];
const sessionParams = z.object({ session_id: z.string() });
const scopeQuery = z.object({
  type: z.enum(['agent', 'team', 'workflow']).optional().describe('Session type; only agent sessions are stored here'),
  user_id: z.string().optional().describe('Ignored: sessions are always the caller\'s'),
  db_id: z.string().optional(),
  table: z.string().optional(),
});
const listQuery = scopeQuery.extend({
  component_id: z.string().optional().describe('The agent id'),
  session_name: z.string().optional().describe('Part of the session name'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  page: z.coerce.number().int().min(0).default(1),
  sort_by: z.enum(['created_at', 'updated_at', 'session_name']).default('created_at'),
  sort_order: z.enum(['asc', 'desc']).default('desc'),
});
const renameBody = z.object({ session_name: z.string().trim().min(1).max(200) });
const bulkDeleteBody = z.object({ session_ids: z.array(z.string()).min(1), session_types: z.array(z.enum(['agent', 'team', 'workflow'])).min(1) });

/** `db_id` names the one database this face reports; another id is not found, as AgentOS answers. */
function checkDb(dbId: string | undefined): void {
  if (dbId !== undefined && dbId !== agentOsDbId) throw notFoundDetail(`No database found with id '${dbId}'`);
}

/** Every run of one session, oldest first, the one still going included. */
async function sessionRuns(runs: RunsService, actor: Actor, sessionId: string): Promise<RunView[]> {
  const found = await allPages((page) => runs.list(actor, { ...page, session_id: sessionId }));
  return found.filter((run) => run.parent_run_id === null).reverse();
}

/** The caller's session, or 404 in AgentOS' words. */
async function requireSession(chat: ChatService, actor: Actor, sessionId: string, detail: string) {
  return findOr404(sessionId, detail, () => chat.session(actor, sessionId));
}

/** `/sessions`: the caller's agent chat sessions (the same ones /api/v1 chat writes). */
export const agentOsSessionRoutes: FastifyPluginAsyncZod<AgentOsSessionRoutesOptions> = async (app, { chat, runs }) => {
  app.get('/sessions', { schema: { summary: 'AgentOS: list sessions', tags, querystring: listQuery } }, async (request) => {
    const actor = actorOf(request);
    const query = request.query;
    checkDb(query.db_id);
    const page = Math.max(query.page, 1);
    const empty = query.type === 'team' || query.type === 'workflow' || (query.component_id !== undefined && !isUuid(query.component_id));
    const sortBy = query.sort_by === 'session_name' ? 'title' : query.sort_by;
    const result = empty
      ? { rows: [], total: 0 }
      : await chat.listSessions(actor, { agentId: query.component_id, nameContains: query.session_name, sortBy, order: query.sort_order, page, page_size: query.limit });
    return {
      data: result.rows.map(toSessionSchema),
      meta: { page, limit: query.limit, total_pages: Math.ceil(result.total / query.limit), total_count: result.total, search_time_ms: 0 },
    };
  });

  app.get('/sessions/:session_id', { schema: { summary: 'AgentOS: get a session', tags, params: sessionParams, querystring: scopeQuery } }, async (request) => {
    const actor = actorOf(request);
    checkDb(request.query.db_id);
    const id = request.params.session_id;
    const { session, messages } = await requireSession(chat, actor, id, `Session with id '${id}' not found`);
    return toSessionDetail(session, messages);
  });

  app.get(
    '/sessions/:session_id/runs',
    { schema: { summary: "AgentOS: a session's runs", tags, params: sessionParams, querystring: scopeQuery } },
    async (request) => {
      const actor = actorOf(request);
      checkDb(request.query.db_id);
      const id = request.params.session_id;
      await requireSession(chat, actor, id, `Session with ID ${id} not found`);
      return (await sessionRuns(runs, actor, id)).map(toRunSchema);
    },
  );

  app.post(
    '/sessions/:session_id/rename',
    { schema: { summary: 'AgentOS: rename a session', tags, params: sessionParams, querystring: scopeQuery, body: renameBody } },
    async (request) => {
      const actor = actorOf(request);
      checkDb(request.query.db_id);
      const id = request.params.session_id;
      const detail = `Session with id '${id}' not found`;
      // The rename itself answers not found for another user's session; one read then gives the answer.
      await findOr404(id, detail, () => chat.renameSession(actor, id, request.body.session_name));
      const { session, messages } = await requireSession(chat, actor, id, detail);
      return toSessionDetail(session, messages);
    },
  );

  app.delete(
    '/sessions/:session_id',
    { schema: { summary: 'AgentOS: delete a session', tags, params: sessionParams, querystring: scopeQuery } },
    async (request, reply) => {
      const actor = actorOf(request);
      checkDb(request.query.db_id);
      // 204 whether or not it was there, as AgentOS answers.
      if (isUuid(request.params.session_id)) await chat.deleteSession(actor, request.params.session_id);
      return reply.status(204).send();
    },
  );

  app.delete('/sessions', { schema: { summary: 'AgentOS: delete sessions', tags, querystring: scopeQuery, body: bulkDeleteBody } }, async (request, reply) => {
    const actor = actorOf(request);
    checkDb(request.query.db_id);
    const { session_ids: ids, session_types: types } = request.body;
    if (ids.length !== types.length) throw badRequest('Session IDs and session types must have the same length');
    for (const id of ids) if (isUuid(id)) await chat.deleteSession(actor, id);
    return reply.status(204).send();
  });
};
