import { errorPolicySchema, type WorkflowNode } from '../../engine/workflow/definition.js';
import type { NodeTypeRegistry } from '../../engine/workflow/node-type.js';
import { NodeError, runNode } from '../../engine/workflow/run-node.js';
import type { StepRecord } from '../../engine/workflow/step-record.js';
import type { Clock } from '../../platform/clock.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { IdGenerator } from '../../platform/ids.js';
import { toStepView } from '../workflow-executions/workflow-executions.view.js';
import { workflowServices, type WorkflowPlatform } from '../workflow-executions/workflow-services.adapter.js';
import { whyNotRunnableAlone } from './node-catalogue.js';
import { checkNodeConfig } from './node-config.js';
import { decisionNotExpected, nodeNotRunnableAlone } from './workflow-nodes.errors.js';
import type { NodeRunResult, RunNodeBody } from './workflow-nodes.schemas.js';

/** What the node runner is made of. */
export interface WorkflowNodesServiceDeps {
  registry: NodeTypeRegistry;
  /** The platform the nodes reach, as in executions: the caller's models, tools, knowledge, sandbox, SSRF-guarded HTTP. */
  platform: WorkflowPlatform;
  clock: Clock;
  ids: IdGenerator;
}

/** The one node type that waits for a decision. */
const WAITING_NODE_TYPE = 'human_approval';

/** A sub-workflow nested in a loop or iteration body gets this instead of a child execution. */
async function noChildExecutions(): Promise<never> {
  throw new NodeError(`a sub_workflow needs a whole execution: ${whyNotRunnableAlone('sub_workflow')}`, 'NODE_NOT_RUNNABLE_ALONE');
}

/** The step with a cancel caused by the run's deadline reported as the timeout it is. */
function withDeadline(step: StepRecord, deadline: AbortSignal, timeoutMs: number): StepRecord {
  if (!deadline.aborted || step.error?.code !== 'RUN_CANCELLED') return step;
  return { ...step, error: { code: 'NODE_RUN_TIMEOUT', message: `the node did not finish within ${timeoutMs} ms` } };
}

/**
 * Single-node debugging: one node run with given variables, through the real node type, error
 * policy and platform services, and nothing stored. The caller's model calls are recorded under a
 * fresh trace id, which an agent node's own run also takes as its parent.
 */
export class WorkflowNodesService {
  constructor(private readonly deps: WorkflowNodesServiceDeps) {}

  /**
   * Steps: check the type and config as workflow validation does (422s), refuse what cannot run
   * alone; bound every attempt without its own deadline by the run's, so that runNode's race ends
   * even a node that ignores its signal when the run's deadline (or the caller leaving) aborts it;
   * run the node under its error policy over `inputs` as its scope; answer its step.
   */
  async run(actor: Actor, body: RunNodeBody, signal: AbortSignal): Promise<NodeRunResult> {
    const { registry, platform, clock, ids } = this.deps;
    checkNodeConfig(registry, body);
    const reason = whyNotRunnableAlone(body.type);
    if (reason) throw nodeNotRunnableAlone(body.type, reason);
    if (body.decision && body.type !== WAITING_NODE_TYPE) throw decisionNotExpected(body.type);
    const node: WorkflowNode = {
      id: body.node_id,
      type: body.type,
      config: body.config,
      error_policy: errorPolicySchema.parse({ ...body.error_policy, timeout_ms: body.error_policy?.timeout_ms ?? body.timeout_ms }),
    };
    const traceId = ids.uuid();
    const deadline = AbortSignal.timeout(body.timeout_ms);
    const scope = body.inputs;
    const step = await runNode({
      graph: { nodes: [node], edges: [] },
      input: (scope['start']?.['input'] as Record<string, unknown> | undefined) ?? {},
      registry,
      services: workflowServices(platform, { actor, runId: traceId, runWorkflow: noChildExecutions }),
      env: (scope['env'] as Record<string, string> | undefined) ?? {},
      signal: AbortSignal.any([signal, deadline]),
      node,
      scope,
      decision: body.decision,
      now: () => clock.now(),
    });
    const view = toStepView(withDeadline(step, deadline, body.timeout_ms));
    return { ...view, status: view.status as NodeRunResult['status'], trace_id: traceId };
  }
}
