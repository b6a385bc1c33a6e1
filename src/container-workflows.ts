import type { Secrets } from './config/secrets.js';
import { builtinNodeTypes } from './engine/workflow/builtin-nodes.js';
import type { NodeTypeRegistry } from './engine/workflow/node-type.js';
import { WorkflowExecutionsRepository } from './modules/workflow-executions/workflow-executions.repository.js';
import { WorkflowExecutionsService } from './modules/workflow-executions/workflow-executions.service.js';
import type { WorkflowPlatform } from './modules/workflow-executions/workflow-services.adapter.js';
import { BatchService } from './modules/batch/batch.service.js';
import { WebhooksService } from './modules/webhooks/webhooks.service.js';
import { WorkflowsRepository } from './modules/workflows/workflows.repository.js';
import { WorkflowsService } from './modules/workflows/workflows.service.js';
import { NodeTemplatesRepository } from './modules/node-templates/node-templates.repository.js';
import { NodeTemplatesService } from './modules/node-templates/node-templates.service.js';
import { WorkflowNodesService } from './modules/workflow-nodes/workflow-nodes.service.js';
import type { RunsService } from './modules/runs/runs.service.js';
import type { Clock } from './platform/clock.js';
import { SecretBox } from './platform/crypto/secret-box.js';
import type { Database } from './platform/db/database.js';
import type { IdGenerator } from './platform/ids.js';
import type { JobQueue } from './platform/jobs/job-queue.js';
import type { EventBus } from './platform/events/event-bus.js';

/** The workflow side of the container. */
export interface WorkflowServices {
  nodeTypes: NodeTypeRegistry;
  workflows: WorkflowsService;
  executions: WorkflowExecutionsService;
  /** Workflow triggers by webhook (secret-checked). */
  webhooks: WebhooksService;
  /** Many executions, exports or deletions at once. */
  batch: BatchService;
  /** Saved node configurations. */
  nodeTemplates: NodeTemplatesService;
  /** Single-node debugging (POST /nodes/run). */
  workflowNodes: WorkflowNodesService;
}

/** Wires workflows: the node types, definitions with versions, and executions as durable runs. */
export function createWorkflowServices(options: {
  db: Database;
  secrets: Secrets;
  runs: RunsService;
  platform: WorkflowPlatform;
  clock: Clock;
  ids: IdGenerator;
  jobs: JobQueue;
  events: EventBus;
  queueConcurrency: number;
}): WorkflowServices {
  const { db, clock, ids } = options;
  const nodeTypes = builtinNodeTypes();
  const workflows = new WorkflowsService({
    repository: new WorkflowsRepository(db),
    registry: nodeTypes,
    secretBox: new SecretBox(options.secrets.encryptionKey),
    clock,
    ids,
  });
  const executions = new WorkflowExecutionsService({
    repository: new WorkflowExecutionsRepository(db),
    workflows,
    runs: options.runs,
    registry: nodeTypes,
    platform: options.platform,
    clock,
    ids,
    jobs: options.jobs,
    events: options.events,
    queueConcurrency: options.queueConcurrency,
  });
  const nodeTemplates = new NodeTemplatesService({ repository: new NodeTemplatesRepository(db), registry: nodeTypes, clock, ids });
  const workflowNodes = new WorkflowNodesService({ registry: nodeTypes, platform: options.platform, clock, ids });
  const webhooks = new WebhooksService({ workflows, executions });
  const batch = new BatchService({ executions, workflows, agents: options.platform.agents, clock });
  return { nodeTypes, workflows, executions, webhooks, batch, nodeTemplates, workflowNodes };
}
