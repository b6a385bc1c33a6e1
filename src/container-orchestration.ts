import type { NodeTypeRegistry } from './engine/workflow/node-type.js';
import type { AgentsService } from './modules/agents/agents.service.js';
import { OrchestrationTemplatesRepository } from './modules/orchestration-templates/orchestration-templates.repository.js';
import { OrchestrationTemplatesService } from './modules/orchestration-templates/orchestration-templates.service.js';
import type { OrchestrationRunner } from './modules/orchestration/orchestration-runner.js';
import { OrchestrationService } from './modules/orchestration/orchestration.service.js';
import type { WorkflowPlatform } from './modules/workflow-executions/workflow-services.adapter.js';
import type { Clock } from './platform/clock.js';
import type { Database } from './platform/db/database.js';
import type { IdGenerator } from './platform/ids.js';

/** The multi-agent side of the container: the orchestration modes and saved templates of them. */
export interface OrchestrationServices {
  /** sequential, pipeline, debate, route and graph runs (one method per mode). */
  orchestrationModes: OrchestrationService;
  orchestrationTemplates: OrchestrationTemplatesService;
}

/** Wires the orchestration modes over the shared runner, and their templates. */
export function createOrchestrationServices(options: {
  db: Database;
  runner: OrchestrationRunner;
  agents: AgentsService;
  registry: NodeTypeRegistry;
  platform: WorkflowPlatform;
  clock: Clock;
  ids: IdGenerator;
}): OrchestrationServices {
  const { clock, ids } = options;
  const orchestrationModes = new OrchestrationService({
    agents: options.agents,
    runner: options.runner,
    registry: options.registry,
    platform: options.platform,
    clock,
  });
  const orchestrationTemplates = new OrchestrationTemplatesService({
    repository: new OrchestrationTemplatesRepository(options.db),
    orchestration: orchestrationModes,
    clock,
    ids,
  });
  return { orchestrationModes, orchestrationTemplates };
}
