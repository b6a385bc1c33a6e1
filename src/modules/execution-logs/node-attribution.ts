/**
 * Which node of a workflow execution made a model call, a tool call or a nested run. The call
 * records carry the run they belong to but not the node, so the node is told from what the step
 * records show: an agent node's output names its run; otherwise the record must fall inside one
 * node's time window among the nodes whose type can make that kind of record.
 */

/** What kind of record is being placed: it narrows the node types that can have made it. */
export type RecordKind = 'model_call' | 'tool_call' | 'workflow_run' | 'agent_run';

/** A node's step as attribution reads it. */
export interface StepWindow {
  nodeId: string;
  nodeType: string;
  startedAt: Date;
  finishedAt: Date;
  output: Record<string, unknown> | null;
}

/** A record to place: its kind, when it was made, and (for a nested run) its id. */
export interface PlacedRecord {
  kind: RecordKind;
  at: Date;
  runId?: string;
}

const none: readonly RecordKind[] = [];

/**
 * What each built-in node type can make inside its own run. Types not listed (loop, iteration,
 * custom node types) run other nodes or unknown code, so they may make anything.
 */
const producers: Record<string, readonly RecordKind[]> = {
  llm: ['model_call'],
  question_classifier: ['model_call'],
  parameter_extractor: ['model_call'],
  knowledge_retrieval: ['model_call'],
  agent: ['agent_run'],
  sub_workflow: ['workflow_run'],
  // A tool may call a model (knowledge_search embeds) or another agent (call_agent).
  tool: ['tool_call', 'model_call', 'agent_run'],
  start: none,
  end: none,
  template: none,
  condition: none,
  delay: none,
  human_approval: none,
  variable_aggregator: none,
  variable_assigner: none,
  code: none,
  http: none,
};

/** True when a node of this type can have made a record of this kind. */
export function canProduce(nodeType: string, kind: RecordKind): boolean {
  const kinds = producers[nodeType];
  return kinds === undefined || kinds.includes(kind);
}

/**
 * The id of the node that made `record`, or null when no node, or more than one, could have.
 * Steps: (1) an agent node whose output names the run is the one; (2) otherwise keep the nodes
 * whose type can make this kind of record and whose [started, finished] window holds its time;
 * (3) exactly one left is the answer, anything else is unknown.
 */
export function attributeToNode(steps: readonly StepWindow[], record: PlacedRecord): string | null {
  if (record.runId) {
    const named = steps.find((step) => step.nodeType === 'agent' && step.output?.run_id === record.runId);
    if (named) return named.nodeId;
  }
  const at = record.at.getTime();
  const candidates = steps.filter(
    (step) => canProduce(step.nodeType, record.kind) && step.startedAt.getTime() <= at && at <= step.finishedAt.getTime(),
  );
  return candidates.length === 1 ? candidates[0]!.nodeId : null;
}

/** The kind of a nested run, for attribution: sub-workflows apart from agent and chat runs. */
export function runRecordKind(kind: string): RecordKind {
  return kind === 'workflow' ? 'workflow_run' : 'agent_run';
}

/** Places the records of many runs at once: each run's steps are grouped a single time. */
export class NodePlacer {
  private readonly byRun = new Map<string, StepWindow[]>();

  constructor(steps: ReadonlyArray<StepWindow & { runId: string }>) {
    for (const step of steps) this.byRun.set(step.runId, [...(this.byRun.get(step.runId) ?? []), step]);
  }

  /** The node of its run that made a model call. */
  modelCall(call: { runId: string | null; createdAt: Date }): string | null {
    return this.place(call.runId, { kind: 'model_call', at: call.createdAt });
  }

  /** The node of its run that made a tool call. */
  toolCall(call: { runId: string | null; createdAt: Date }): string | null {
    return this.place(call.runId, { kind: 'tool_call', at: call.createdAt });
  }

  /** The node of the parent run that started a nested run. */
  nestedRun(run: { id: string; kind: string; parentRunId: string | null; createdAt: Date }): string | null {
    return this.place(run.parentRunId, { kind: runRecordKind(run.kind), at: run.createdAt, runId: run.id });
  }

  private place(runId: string | null, record: PlacedRecord): string | null {
    const steps = runId ? this.byRun.get(runId) : undefined;
    return steps ? attributeToNode(steps, record) : null;
  }
}
