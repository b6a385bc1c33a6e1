import { sleep } from '../../platform/llm/retry-policy.js';
import { errorPolicySchema, type WorkflowNode } from './definition.js';
import type { RunWorkflowOptions } from './executor.js';
import { runWorkflow } from './executor.js';
import type { NodeOutcome, NodeType, SubgraphRunner } from './node-type.js';
import type { StepRecord } from './step-record.js';
import { resolveVariables, type VariableScope } from './variables.js';

/** A node failure with a stable code, as step records and error branches show it. */
export class NodeError extends Error {
  constructor(
    message: string,
    readonly code = 'NODE_FAILED',
  ) {
    super(message);
    this.name = 'NodeError';
  }
}

/** The policy of a node that sets none (most do), parsed once instead of once per node run. */
const defaultErrorPolicy = Object.freeze(errorPolicySchema.parse({}));

/** The {code, message} of anything a node threw. */
function describe(error: unknown): { code: string; message: string } {
  if (error instanceof NodeError) return { code: error.code, message: error.message };
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return { code: typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code) ? code : 'NODE_FAILED', message };
}

/** Options of {@link runNode}: the execution's options plus the node, the scope (shared, read-only for nodes) and the clock. */
type RunNodeOptions = RunWorkflowOptions & {
  node: WorkflowNode;
  scope: VariableScope;
  now: () => Date;
  /** The decision this node waited for, when the execution is resumed at it. */
  decision: Record<string, unknown> | undefined;
};

/** Runs a nested graph (loop body, sub-workflow) in memory with the same node types and services. */
function subgraphRunner(options: RunNodeOptions): SubgraphRunner {
  return async (graph, sub) => {
    const result = await runWorkflow({
      graph,
      input: sub.input,
      registry: options.registry,
      services: options.services,
      ...(options.env ? { env: options.env } : {}),
      variables: { ...options.scope, ...sub.variables },
      signal: sub.signal,
      now: options.now,
    });
    if (result.status !== 'succeeded') {
      throw new NodeError(result.error?.message ?? `the nested graph ended ${result.status}`, result.error?.code ?? 'SUBGRAPH_FAILED');
    }
    return { output: result.output, usage: result.usage };
  };
}

/** One attempt: the node's run under its deadline; the execution's cancel aborts it too. */
async function attempt(
  nodeType: NodeType<unknown>,
  config: unknown,
  options: RunNodeOptions,
  attemptNumber: number,
  timeoutMs: number | undefined,
): Promise<NodeOutcome> {
  const signal = timeoutMs === undefined ? options.signal : AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)]);
  const { node } = options;
  const run = nodeType.run({
    node,
    config,
    scope: options.scope,
    signal,
    services: options.services,
    emit: (event, data) => options.emit?.({ type: 'node-progress', nodeId: node.id, event, data }),
    runSubgraph: subgraphRunner(options),
    resumeData: options.decision,
    attempt: attemptNumber,
  });
  if (timeoutMs === undefined) return run;
  // A node that ignores its signal still loses the race against its deadline.
  return Promise.race([
    run,
    new Promise<never>((_, reject) =>
      signal.addEventListener('abort', () => reject(options.signal.aborted ? signal.reason : new NodeError(`timed out after ${timeoutMs} ms`, 'NODE_TIMEOUT')), { once: true }),
    ),
  ]);
}

/**
 * Runs one node under its error policy. Steps: resolve the config's variables (unless the type
 * reads them itself) and validate it; try the node, retrying failures after backoff (doubling);
 * on the last failure apply on_error: `fail` records a failed step, `continue` succeeds with the
 * default output, `branch` succeeds on the "error" branch. A cancel is never retried.
 */
export async function runNode(options: RunNodeOptions): Promise<StepRecord> {
  const { node, registry } = options;
  const startedAt = options.now();
  const policy = node.error_policy === undefined ? defaultErrorPolicy : errorPolicySchema.parse(node.error_policy);
  const step = (changes: Partial<StepRecord>): StepRecord => ({
    nodeId: node.id,
    nodeType: node.type,
    status: 'succeeded',
    input: null,
    output: null,
    branch: null,
    error: null,
    attempts: 0,
    startedAt,
    finishedAt: options.now(),
    usage: null,
    ...changes,
  });
  const nodeType = registry.find(node.type);
  if (!nodeType) return step({ status: 'failed', error: { code: 'NODE_TYPE_UNKNOWN', message: `unknown node type "${node.type}"` } });
  let input: unknown = node.config;
  let failure: { code: string; message: string } | null = null;
  let attempts = 0;
  try {
    input = nodeType.rawConfig ? node.config : resolveVariables(node.config, options.scope);
    const parsed = nodeType.configSchema.safeParse(input);
    if (!parsed.success) throw new NodeError(`invalid config: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`).join('; ')}`, 'NODE_CONFIG_INVALID');
    for (;;) {
      attempts += 1;
      try {
        const outcome = await attempt(nodeType, parsed.data, options, attempts, policy.timeout_ms);
        if (outcome.kind === 'wait') return step({ status: 'waiting', input, output: outcome.request, attempts });
        return step({ input, output: outcome.output, branch: outcome.branch ?? null, attempts, usage: outcome.usage ?? null });
      } catch (error) {
        if (options.signal.aborted || attempts > policy.retries) throw error;
        await sleep(policy.backoff_ms * 2 ** (attempts - 1), options.signal);
      }
    }
  } catch (error) {
    failure = options.signal.aborted ? { code: 'RUN_CANCELLED', message: 'The execution was cancelled' } : describe(error);
  }
  if (options.signal.aborted || policy.on_error === 'fail') return step({ status: 'failed', input, error: failure, attempts });
  if (policy.on_error === 'continue') return step({ input, output: policy.default_output, error: failure, attempts });
  return step({ input, output: { error: failure }, branch: 'error', error: failure, attempts });
}
