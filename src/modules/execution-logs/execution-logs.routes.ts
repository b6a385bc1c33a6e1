import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { errorResponses, pageSchema } from '../../platform/http/schemas.js';
import { callChainSchema, performanceSchema, statsSchema } from './execution-analysis.schemas.js';
import {
  callChainQuerySchema,
  executionLogQuerySchema,
  executionLogSchema,
  executionParamsSchema,
  executionSearchQuerySchema,
  executionSummarySchema,
  modelCallSchema,
  modelCallsQuerySchema,
  nodeLogSchema,
  nodeParamsSchema,
  performanceQuerySchema,
  statsQuerySchema,
  toolCallSchema,
  toolCallsQuerySchema,
} from './execution-logs.schemas.js';
import type { ExecutionLogsService } from './execution-logs.service.js';

const tags = ['execution-logs'];
const readErrors = errorResponses(401, 404, 422);

const idNote =
  'execution_id is a run id: a workflow execution, or an agent, chat or RAG run. Another user\'s run answers 404 EXECUTION_NOT_FOUND.';
const nodeNote =
  'Call records name their run, not their node: a call is given to the node of its run whose type can make it and whose time window holds it ' +
  '(an agent node\'s output names its run exactly); node_id is null when no single node fits.';

/** /api/v1/execution-logs: read-only logs, performance and call chains of the caller's executions. */
export const executionLogsRoutes: FastifyPluginAsyncZod<{ service: ExecutionLogsService }> = async (app, { service }) => {
  app.get(
    '',
    {
      schema: {
        summary: "Search the caller's executions and runs, newest first",
        description: 'Filters combine (AND). `q` matches the error code or message of the run, a node id, or a node error message.',
        tags,
        querystring: executionSearchQuerySchema,
        response: { 200: pageSchema(executionSummarySchema), ...errorResponses(401, 422) },
      },
    },
    async (request) => service.list(actorOf(request), request.query),
  );

  app.get(
    '/stats',
    {
      schema: {
        summary: 'Execution statistics: counts by status and kind, durations (avg, p50, p95), tokens, calls, node types',
        description: 'Over the runs created in [from, to] that match the filters; call figures count the calls of those runs.',
        tags,
        querystring: statsQuerySchema,
        response: { 200: statsSchema, ...errorResponses(401, 422) },
      },
    },
    async (request) => service.stats(actorOf(request), request.query),
  );

  app.get(
    '/:execution_id',
    {
      schema: {
        summary: 'One execution: summary, every node, and its log lines in order',
        description: `${idNote} Token deltas are left out of the lines; at most 1000 lines (lines_truncated).`,
        tags,
        params: executionParamsSchema,
        querystring: executionLogQuerySchema,
        response: { 200: executionLogSchema, ...readErrors },
      },
    },
    async (request) => service.get(actorOf(request), request.params.execution_id, request.query.level),
  );

  app.get(
    '/:execution_id/nodes/:node_id',
    {
      schema: {
        summary: "One node's full log: input, output, error, attempts, duration, tokens, events, calls and nested runs",
        description: `${idNote} ${nodeNote} Calls of the runs the node started (an agent, a sub-workflow) are listed with their depth.`,
        tags,
        params: nodeParamsSchema,
        response: { 200: nodeLogSchema, ...readErrors },
      },
    },
    async (request) => service.node(actorOf(request), request.params.execution_id, request.params.node_id),
  );

  app.get(
    '/:execution_id/performance',
    {
      schema: {
        summary: 'Where the time went: slowest nodes, time per node type, parallelism, critical path, tokens per node',
        description: `${idNote} Call totals include every run the execution started.`,
        tags,
        params: executionParamsSchema,
        querystring: performanceQuerySchema,
        response: { 200: performanceSchema, ...readErrors },
      },
    },
    async (request) => service.performance(actorOf(request), request.params.execution_id, request.query.top),
  );

  app.get(
    '/:execution_id/call-chain',
    {
      schema: {
        summary: 'The tree of runs the execution started (sub-workflows, agents ...), each with its model and tool calls',
        description: `${idNote} ${nodeNote} At most 200 runs and 1000 calls of each kind (truncated).`,
        tags,
        params: executionParamsSchema,
        querystring: callChainQuerySchema,
        response: { 200: callChainSchema, ...readErrors },
      },
    },
    async (request) => service.callChain(actorOf(request), request.params.execution_id, request.query.max_depth),
  );

  app.get(
    '/:execution_id/model-calls',
    {
      schema: {
        summary: 'The model calls of the execution and of every run it started, oldest first',
        description: `${idNote} ${nodeNote}`,
        tags,
        params: executionParamsSchema,
        querystring: modelCallsQuerySchema,
        response: { 200: pageSchema(modelCallSchema), ...readErrors },
      },
    },
    async (request) => service.modelCalls(actorOf(request), request.params.execution_id, request.query),
  );

  app.get(
    '/:execution_id/tool-calls',
    {
      schema: {
        summary: 'The tool calls of the execution and of every run it started, oldest first',
        description: `${idNote} ${nodeNote}`,
        tags,
        params: executionParamsSchema,
        querystring: toolCallsQuerySchema,
        response: { 200: pageSchema(toolCallSchema), ...readErrors },
      },
    },
    async (request) => service.toolCalls(actorOf(request), request.params.execution_id, request.query),
  );
};
