import { addTokenUsage, emptyTokenUsage, type TokenUsage } from '../../platform/llm/llm-call.js';
import type { WorkflowEdge, WorkflowGraph, WorkflowNode } from './definition.js';
import { runNode } from './run-node.js';
import type { NodeTypeRegistry } from './node-type.js';
import type { ExecutionCheckpoint, StepRecord } from './step-record.js';
import { memoryCheckpoint } from './step-record.js';
import type { VariableScope } from './variables.js';
import type { WorkflowServices } from './workflow-services.js';

/** What an execution emits while it runs, noun-then-verb; faces map these to wire names. */
export type WorkflowEvent =
  | { type: 'node-start'; nodeId: string; nodeType: string }
  | { type: 'node-finish'; step: StepRecord }
  | { type: 'node-progress'; nodeId: string; event: string; data: Record<string, unknown> };

/** How an execution ended (for now: `waiting` and `paused` are resumed later from the checkpoint). */
export type WorkflowStatus = 'succeeded' | 'failed' | 'waiting' | 'paused' | 'cancelled';

/** The outcome of {@link runWorkflow}. */
export interface WorkflowResult {
  status: WorkflowStatus;
  output: Record<string, unknown>;
  error: { code: string; message: string; nodeId?: string } | null;
  /** Set when a node waits for a person: which node, and what it asks. */
  waiting: { nodeId: string; request: Record<string, unknown> } | null;
  usage: TokenUsage;
}

/** Everything an execution needs. */
export interface RunWorkflowOptions {
  graph: WorkflowGraph;
  input: Record<string, unknown>;
  registry: NodeTypeRegistry;
  services: WorkflowServices;
  /** `{{env.NAME}}` values. */
  env?: Record<string, string>;
  /** Extra variables in scope (a loop body's item and index). */
  variables?: Record<string, unknown>;
  /**
   * Where steps are stored (default: in memory). Steps that are not urgent may still wait in it
   * when runWorkflow returns: the caller flushes them, or stores them with the outcome.
   */
  checkpoint?: ExecutionCheckpoint;
  /** Aborting cancels: running nodes are aborted too. */
  signal: AbortSignal;
  /** Aborting pauses: no new node starts, running ones finish. */
  pauseSignal?: AbortSignal;
  emit?: (event: WorkflowEvent) => void;
  /** Nodes run at once (default 4). */
  concurrency?: number;
  /** The decision a waiting node gets when the execution is resumed. */
  resumeData?: { nodeId: string; data: Record<string, unknown> };
  now?: () => Date;
}

type EdgeState = 'taken' | 'skipped';

/** Every edge but error edges is taken after success; a branching node takes its branch's edges only. */
function edgeTaken(edge: WorkflowEdge, step: StepRecord): boolean {
  if (step.status !== 'succeeded') return false;
  if (step.branch !== null) return edge.source_handle === step.branch;
  return edge.source_handle !== 'error';
}

/** The nodes whose outputs make the result: the end nodes when the graph has any, else its sinks. */
function resultNodes(graph: WorkflowGraph, outgoing: Map<string, WorkflowEdge[]>): WorkflowNode[] {
  const ends = graph.nodes.filter((node) => node.type === 'end');
  return ends.length > 0 ? ends : graph.nodes.filter((node) => (outgoing.get(node.id) ?? []).length === 0);
}

/**
 * The nodes whose incoming edges have all resolved, in graph order (the order a scan of the nodes
 * would start them). Counting down each node's unresolved edges costs O(edges) per execution,
 * where rescanning the graph after every step cost O(nodes²).
 */
function readyNodes(nodes: readonly WorkflowNode[], incoming: ReadonlyMap<string, WorkflowEdge[]>) {
  const position = new Map(nodes.map((node, index) => [node.id, index]));
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const unresolved = new Map(nodes.map((node) => [node.id, incoming.get(node.id)!.length]));
  const queue = nodes.filter((node) => unresolved.get(node.id) === 0);
  return {
    /** The first ready node, taken off the queue; undefined when none is ready. */
    next: (): WorkflowNode | undefined => queue.shift(),
    /** One incoming edge of its target resolved: the target joins the queue once all of them are. */
    resolved(edge: WorkflowEdge): void {
      const target = byId.get(edge.target);
      if (!target) return;
      const left = unresolved.get(target.id)! - 1;
      unresolved.set(target.id, left);
      if (left !== 0) return;
      const at = position.get(target.id)!;
      let low = 0;
      let high = queue.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (position.get(queue[middle]!.id)! < at) low = middle + 1;
        else high = middle;
      }
      queue.splice(low, 0, target);
    },
  };
}

/**
 * Runs a workflow graph. Steps: index the edges; replay the checkpoint's finished steps (their
 * outputs enter the scope, their edges resolve) so a resumed execution never re-runs them; then
 * repeatedly start the ready nodes, those whose incoming edges are all resolved (at least one
 * taken: run it; none taken: skip it, which skips its edges), in graph order up to the
 * concurrency, and wait for one to end. A node failure fails the run unless its error policy
 * continues; a waiting node, a pause or a cancel stop new starts, let running nodes end (a cancel
 * aborts them) and return.
 * Steps are recorded without waiting for storage, except that every earlier step is stored before
 * a node that is not `pure` starts: a crash then re-runs only nodes whose re-run nobody can see,
 * and the node that was running.
 * Each step costs O(its edges), not O(graph): see {@link readyNodes}, and the shared scope below.
 */
export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowResult> {
  const { graph, signal } = options;
  const now = options.now ?? (() => new Date());
  const checkpoint = options.checkpoint ?? memoryCheckpoint();
  const concurrency = options.concurrency ?? 4;
  const incoming = new Map<string, WorkflowEdge[]>(graph.nodes.map((node) => [node.id, []]));
  const outgoing = new Map<string, WorkflowEdge[]>(graph.nodes.map((node) => [node.id, []]));
  for (const edge of graph.edges) {
    incoming.get(edge.target)?.push(edge);
    outgoing.get(edge.source)?.push(edge);
  }
  const edgeStates = new Map<WorkflowEdge, EdgeState>();
  const ready = readyNodes(graph.nodes, incoming);
  // One object, not a snapshot per node: a node may only reference nodes that run before it
  // (validateWorkflow refuses any other reference), and those have all finished, their outputs set
  // for good, before it starts; copying the whole scope for every node made an execution O(n²).
  const scope: Record<string, unknown> = { ...options.variables, start: { input: options.input }, env: { ...options.env } };
  const steps = new Map<string, StepRecord>();
  const running = new Map<string, Promise<void>>();
  let usage = emptyTokenUsage();
  let stop = null as Pick<WorkflowResult, 'status' | 'error' | 'waiting'> | null;

  const finish = (step: StepRecord) => {
    steps.set(step.nodeId, step);
    if (step.output && step.status === 'succeeded') {
      // Merged, so a node whose id is "start" keeps `start.input` beside its output.
      const earlier = scope[step.nodeId] as object | undefined;
      scope[step.nodeId] = earlier ? { ...earlier, output: step.output } : { output: step.output };
      // The start node's output is the input checked against its schema, with defaults filled in.
      if (step.nodeType === 'start') scope.start = { ...(scope.start as object), input: step.output };
    }
    if (step.usage) usage = addTokenUsage(usage, step.usage);
    for (const edge of outgoing.get(step.nodeId) ?? []) {
      if (edgeStates.has(edge)) continue;
      edgeStates.set(edge, edgeTaken(edge, step) ? 'taken' : 'skipped');
      ready.resolved(edge);
    }
  };
  for (const step of checkpoint.completed.values()) if (step.status !== 'waiting') finish(step);

  // The event goes out before the step is recorded, so a stored step always has its event in the
  // log; a crash before the step is stored re-runs the node (at least once), never loses its event.
  // Nothing waits for the write here: see the flush before a node with effects starts, below.
  const record = (step: StepRecord, urgent: boolean) => {
    options.emit?.({ type: 'node-finish', step });
    checkpoint.record(step, { urgent });
    finish(step);
  };
  const isPure = (node: WorkflowNode) => options.registry.find(node.type)?.pure === true;
  const stopRequested = () => {
    if (!stop && signal.aborted) stop = { status: 'cancelled', error: null, waiting: null };
    if (!stop && options.pauseSignal?.aborted) stop = { status: 'paused', error: null, waiting: null };
    return stop !== null;
  };

  const start = (node: WorkflowNode) => {
    options.emit?.({ type: 'node-start', nodeId: node.id, nodeType: node.type });
    const decision = options.resumeData?.nodeId === node.id ? options.resumeData.data : undefined;
    // Object.assign, not `{ ...options, node, ... }`: on Node 20 a spread followed by more
    // properties takes a slow path, ~20 times the cost of this copy, and it ran once per node.
    const execution = runNode(Object.assign({}, options, { node, scope: scope as VariableScope, now, decision }))
      .then((step) => {
        if (step.status === 'waiting') {
          options.emit?.({ type: 'node-finish', step });
          checkpoint.record(step, { urgent: true });
          stop ??= { status: 'waiting', error: null, waiting: { nodeId: node.id, request: step.output ?? {} } };
          return;
        }
        // A node that may have had effects is stored at once, so it is not run again after a crash.
        record(step, !isPure(node));
        if (step.status === 'failed') {
          stop ??= signal.aborted
            ? { status: 'cancelled', error: null, waiting: null }
            : { status: 'failed', error: { ...step.error!, nodeId: node.id }, waiting: null };
        }
      })
      .finally(() => running.delete(node.id));
    running.set(node.id, execution);
  };

  for (;;) {
    stopRequested();
    let progressed = false;
    while (!stop && running.size < concurrency) {
      const node = ready.next();
      if (!node) break;
      // Replayed steps resolve their edges too, so a node done in an earlier attempt can turn up here.
      if (steps.has(node.id) || running.has(node.id)) continue;
      const edges = incoming.get(node.id)!;
      if (edges.length > 0 && !edges.some((edge) => edgeStates.get(edge) === 'taken')) {
        const at = now();
        record({ nodeId: node.id, nodeType: node.type, status: 'skipped', input: null, output: null, branch: null, error: null, attempts: 0, startedAt: at, finishedAt: at, usage: null }, false);
      } else {
        if (!isPure(node)) {
          // Every step that ended before a node with effects starts is stored first, so a crash
          // during its effect never leaves an earlier effect unrecorded (and run again). A pause or
          // cancel that came meanwhile keeps it from starting; a resume starts it from the steps.
          await checkpoint.flush();
          if (stopRequested()) break;
        }
        start(node);
      }
      progressed = true;
    }
    if (running.size === 0 && !progressed) break;
    if (running.size > 0) await Promise.race(running.values());
  }

  if (stop) return { ...stop, output: {}, usage };
  if (signal.aborted) return { status: 'cancelled', output: {}, error: null, waiting: null, usage };
  const output: Record<string, unknown> = {};
  for (const node of resultNodes(graph, outgoing)) {
    const step = steps.get(node.id);
    if (step?.status === 'succeeded' && step.output) Object.assign(output, step.output);
  }
  return { status: 'succeeded', output, error: null, waiting: null, usage };
}
