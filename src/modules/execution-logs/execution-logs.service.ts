import type { Actor } from '../../platform/http/authenticate.js';
import { pageOf, pageWindow, type Page } from '../../platform/pagination.js';
import { buildCallChain } from './call-chain.js';
import type { CallChainNode, PerformanceView, StatsView } from './execution-analysis.schemas.js';
import type { ExecutionCallsRepository } from './execution-calls.repository.js';
import { executionNodeNotFound, executionNotFound } from './execution-logs.errors.js';
import type { ExecutionLogsRepository, ExecutionRecord } from './execution-logs.repository.js';
import type { ExecutionSearchQuery, LogLevel, ModelCallsQuery, StatsQuery, ToolCallsQuery } from './execution-logs.schemas.js';
import {
  atLeast,
  startedNodeView,
  toLogLine,
  toModelCallView,
  toNodeSummaryView,
  toSummaryView,
  toToolCallView,
  type ExecutionSummaryView,
  type ModelCallView,
  type ToolCallView,
} from './execution-logs.view.js';
import { analyseNodes } from './execution-performance.js';
import type { ExecutionStatsRepository } from './execution-stats.repository.js';
import { toCallTotalsView, toStatsView } from './execution-stats.view.js';
import { loadExecutionTree, type ExecutionTree, type TreeBounds } from './execution-tree.js';
import { nodeLog } from './node-log.js';

/** What the execution logs service is made of. */
export interface ExecutionLogsServiceDeps {
  repository: ExecutionLogsRepository;
  calls: ExecutionCallsRepository;
  stats: ExecutionStatsRepository;
  /** Writes call records still buffered in memory, so a log read right after a run sees all its calls. */
  flushCallRecords: () => Promise<void>;
}

/** How much one answer carries at most. */
export const executionLogLimits = { lines: 1000, treeRuns: 200, chainCalls: 1000, defaultDepth: 10 };

const activeStatuses = new Set(['pending', 'running']);
const fullTree: TreeBounds = { maxDepth: executionLogLimits.defaultDepth, limit: executionLogLimits.treeRuns };

/** The edges of a stored graph (a JSON column): only those that name a source and a target. */
function edgesOf(edges: ReadonlyArray<Record<string, unknown>>): Array<{ source: string; target: string }> {
  return edges.flatMap(({ source, target }) => (typeof source === 'string' && typeof target === 'string' ? [{ source, target }] : []));
}

/**
 * Read-only views over the caller's runs for people debugging them: a filtered search, stats, the
 * log of one execution and of one node, where its time went, the tree of runs it started, and
 * every model and tool call made on its behalf. Another user's run is not found.
 */
export class ExecutionLogsService {
  constructor(private readonly deps: ExecutionLogsServiceDeps) {}

  async list(actor: Actor, query: ExecutionSearchQuery): Promise<Page<ExecutionSummaryView>> {
    const filter = {
      kind: query.kind,
      status: query.status,
      workflowId: query.workflow_id,
      agentId: query.agent_id,
      nodeType: query.node_type,
      text: query.q,
      rootOnly: query.root_only,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
    };
    return pageOf(query, await this.deps.repository.search(actor.userId, filter, pageWindow(query)), toSummaryView);
  }

  async stats(actor: Actor, query: StatsQuery): Promise<StatsView> {
    await this.deps.flushCallRecords();
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    const filter = { kind: query.kind, workflowId: query.workflow_id, agentId: query.agent_id, from, to };
    return toStatsView(await this.deps.stats.aggregate(actor.userId, filter), { from: from ?? null, to: to ?? null });
  }

  /** The summary, every node (with the ones still running), and the event log from `level` up. */
  async get(actor: Actor, executionId: string, level: LogLevel) {
    const record = await this.require(actor, executionId);
    const { repository } = this.deps;
    const [steps, events, childRunCount] = await Promise.all([
      repository.steps([executionId]),
      repository.events(executionId, { limit: executionLogLimits.lines + 1 }),
      repository.countChildren([executionId]),
    ]);
    const stepped = new Set(steps.map((step) => step.nodeId));
    const started = events.filter((event) => event.event === 'node_started' && !stepped.has(String(event.data.node_id)));
    const nodes = [...steps.map(toNodeSummaryView), ...started.map((event) => startedNodeView(event, activeStatuses.has(record.run.status)))];
    return {
      ...toSummaryView(record),
      input: record.run.input,
      output: record.run.output ?? null,
      child_run_count: childRunCount,
      nodes: nodes.sort((left, right) => (left.started_at ?? '').localeCompare(right.started_at ?? '')),
      lines: events
        .slice(0, executionLogLimits.lines)
        .map(toLogLine)
        .filter((line) => atLeast(line.level, level)),
      lines_truncated: events.length > executionLogLimits.lines,
    };
  }

  /** One node: its step, its events, the calls it made and the runs it started (with theirs). */
  async node(actor: Actor, executionId: string, nodeId: string) {
    const record = await this.require(actor, executionId);
    await this.deps.flushCallRecords();
    const [tree, lines] = await Promise.all([
      loadExecutionTree(this.deps.repository, record, fullTree),
      this.deps.repository.events(executionId, { nodeId, limit: executionLogLimits.lines }),
    ]);
    const view = await nodeLog({ calls: this.deps.calls, record, tree, nodeId, lines, limit: executionLogLimits.chainCalls });
    if (!view) throw executionNodeNotFound(executionId, nodeId);
    return view;
  }

  async performance(actor: Actor, executionId: string, top: number): Promise<PerformanceView> {
    const record = await this.require(actor, executionId);
    await this.deps.flushCallRecords();
    const tree = await loadExecutionTree(this.deps.repository, record, fullTree);
    const graph = record.workflow ? await this.deps.repository.graph(record.workflow.id, record.workflow.version) : null;
    const totals = toCallTotalsView(await this.deps.calls.totals(tree.entries.map((entry) => entry.record.run.id)));
    const steps = tree.steps.filter((step) => step.runId === executionId);
    const summary = toSummaryView(record);
    return {
      execution_id: executionId,
      status: record.run.status,
      duration_ms: summary.duration_ms,
      ...analyseNodes(steps, edgesOf(graph?.edges ?? []), top),
      model_calls: totals.model,
      tool_calls: totals.tool,
    };
  }

  async callChain(actor: Actor, executionId: string, maxDepth: number): Promise<{ root: CallChainNode; run_count: number; max_depth: number; truncated: boolean }> {
    const record = await this.require(actor, executionId);
    await this.deps.flushCallRecords();
    const tree = await loadExecutionTree(this.deps.repository, record, { maxDepth, limit: executionLogLimits.treeRuns });
    const runIds = tree.entries.map((entry) => entry.record.run.id);
    const page = { offset: 0, limit: executionLogLimits.chainCalls };
    const [modelCalls, toolCalls] = await Promise.all([this.deps.calls.modelCalls({ runIds }, page), this.deps.calls.toolCalls({ runIds }, page)]);
    const root = buildCallChain({ runs: tree.entries, modelCalls: modelCalls.rows, toolCalls: toolCalls.rows, placer: tree.placer });
    const callsLeftOut = modelCalls.total > modelCalls.rows.length || toolCalls.total > toolCalls.rows.length;
    return { root, run_count: tree.entries.length, max_depth: maxDepth, truncated: tree.truncated || callsLeftOut };
  }

  async modelCalls(actor: Actor, executionId: string, query: ModelCallsQuery): Promise<Page<ModelCallView>> {
    const tree = await this.treeForCalls(actor, executionId);
    const filter = { runIds: this.runIdsOf(tree, query.run_id), status: query.status, name: query.model };
    const result = await this.deps.calls.modelCalls(filter, pageWindow(query));
    return pageOf(query, result, (row) => toModelCallView(row, { nodeId: tree.placer.modelCall(row), depth: tree.depthOf.get(row.runId!) ?? 0 }));
  }

  async toolCalls(actor: Actor, executionId: string, query: ToolCallsQuery): Promise<Page<ToolCallView>> {
    const tree = await this.treeForCalls(actor, executionId);
    const filter = { runIds: this.runIdsOf(tree, query.run_id), status: query.status, name: query.tool_name };
    const result = await this.deps.calls.toolCalls(filter, pageWindow(query));
    return pageOf(query, result, (row) => toToolCallView(row, { nodeId: tree.placer.toolCall(row), depth: tree.depthOf.get(row.runId!) ?? 0 }));
  }

  private async treeForCalls(actor: Actor, executionId: string): Promise<ExecutionTree> {
    const record = await this.require(actor, executionId);
    await this.deps.flushCallRecords();
    return loadExecutionTree(this.deps.repository, record, fullTree);
  }

  /** The runs of the tree, or only `runId` when it is one of them (none when it is not). */
  private runIdsOf(tree: ExecutionTree, runId: string | undefined): string[] {
    const ids = tree.entries.map((entry) => entry.record.run.id);
    return runId ? ids.filter((id) => id === runId) : ids;
  }

  private async require(actor: Actor, executionId: string): Promise<ExecutionRecord> {
    const record = await this.deps.repository.find(actor.userId, executionId);
    if (!record) throw executionNotFound(executionId);
    return record;
  }
}
