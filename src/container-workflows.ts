import type { Secrets } from './config/secrets.js';
import { builtinNodeTypes } from './engine/workflow/builtin-nodes.js';
import type { NodeTypeRegistry } from './engine/workflow/node-type.js';
import { WorkflowExecutionsRepository } from './modules/workflow-executions/workflow-executions.repository.js';
import { WorkflowExecutionsService } from './modules/workflow-executions/workflow-executions.service.js';
import type { WorkflowPlatform } from './modules/workflow-executions/workflow-services.adapter.js';
import { WorkflowsRepository } from './modules/workflows/workflows.repository.js';
import { WorkflowsService } from './modules/workflows/workflows.service.js';
import type { RunsService } from './modules/runs/runs.service.js';
import type { Clock } from './platform/clock.js';
import { SecretBox } from './platform/crypto/secret-box.js';
import type { Database } from './platform/db/database.js';
import type { IdGenerator } from './platform/ids.js';

/** The workflow side of the container. */
export interface WorkflowServices {
  nodeTypes: NodeTypeRegistry;
  workflows: WorkflowsService;
  executions: WorkflowExecutionsService;
}

/** Wires workflows: the node types, definitions with versions, and executions as durable runs. */
export function createWorkflowServices(options: {
  db: Database;
  secrets: Secrets;
  runs: RunsService;
  platform: WorkflowPlatform;
  clock: Clock;
  ids: IdGenerator;
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
  });
  return { nodeTypes, workflows, executions };
}
