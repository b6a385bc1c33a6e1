import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RunsService } from '../../modules/runs/runs.service.js';
import { actorOf } from '../../platform/http/authenticate.js';
import { isUuid } from './agentos.agents.js';
import { formDescription } from './agentos.agents.routes.js';
import { readRunForm, runInput } from './agentos.form.js';
import type { AgentOsTeamRuns } from './agentos.team-runs.js';
import type { AgentOsTeams } from './agentos.teams.js';

/** What the team routes use. */
export interface AgentOsTeamRoutesOptions {
  teams: AgentOsTeams;
  teamRuns: AgentOsTeamRuns;
  runs: RunsService;
}

const tags = ['agentos'];
const teamParams = z.object({ team_id: z.string() });
const runParams = z.object({ team_id: z.string(), run_id: z.string() });

/** `/teams`: our orchestration templates and main agents, run through the orchestration and chat services. */
export const agentOsTeamRoutes: FastifyPluginAsyncZod<AgentOsTeamRoutesOptions> = async (app, { teams, teamRuns, runs }) => {
  app.get('/teams', { schema: { summary: 'AgentOS: list teams', tags } }, async (request) => {
    const actor = actorOf(request);
    return Promise.all((await teams.list(actor)).map((team) => teams.response(actor, team)));
  });

  app.get('/teams/:team_id', { schema: { summary: 'AgentOS: get a team', tags, params: teamParams } }, async (request) => {
    const actor = actorOf(request);
    return teams.response(actor, await teams.find(actor, request.params.team_id));
  });

  app.post(
    '/teams/:team_id/runs',
    {
      schema: {
        summary: 'AgentOS: run a team (SSE by default)',
        description: `${formDescription} A template's runs start no session: their session_id is the run id.`,
        tags,
        params: teamParams,
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const input = runInput(await readRunForm(request));
      const team = await teams.find(actor, request.params.team_id);
      const run = { actor, team, message: input.message, sessionId: input.sessionId };
      if (input.stream) return teamRuns.stream(run, reply);
      return teamRuns.reply(run, reply);
    },
  );

  app.post(
    '/teams/:team_id/runs/:run_id/cancel',
    { schema: { summary: 'AgentOS: cancel a team run', description: 'Always {} for an existing team, as AgentOS answers.', tags, params: runParams } },
    async (request) => {
      const actor = actorOf(request);
      await teams.find(actor, request.params.team_id);
      if (isUuid(request.params.run_id)) await runs.cancel(actor, request.params.run_id).catch(() => undefined);
      return {};
    },
  );
};
