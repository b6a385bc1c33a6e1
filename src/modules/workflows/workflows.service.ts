import { randomBytes } from 'node:crypto';
import { workflowGraphSchema, type WorkflowGraph } from '../../engine/workflow/definition.js';
import type { NodeTypeRegistry } from '../../engine/workflow/node-type.js';
import { validateWorkflow } from '../../engine/workflow/validate-workflow.js';
import type { Clock } from '../../platform/clock.js';
import type { SecretBox } from '../../platform/crypto/secret-box.js';
import type { WorkflowDefinition } from '../../platform/db/schema/index.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { IdGenerator } from '../../platform/ids.js';
import { pageOf, pageWindow, type Page } from '../../platform/pagination.js';
import { workflowNameTaken, workflowNotFound, workflowVersionNotFound } from './workflows.errors.js';
import type { WorkflowRecord, WorkflowsRepository, WorkflowVersionRecord } from './workflows.repository.js';
import {
  WORKFLOW_EXPORT_FORMAT,
  WORKFLOW_EXPORT_FORMAT_VERSION,
  WORKFLOW_NAME_MAX_LENGTH,
  type CreateWorkflowInput,
  type ListVersionsQuery,
  type ListWorkflowsQuery,
  type UpdateWorkflowInput,
  type ValidationResult,
  type VersionDetail,
  type VersionSummary,
  type WorkflowExport,
  type WorkflowResponse,
} from './workflows.schemas.js';

/** What the workflows service is made of. */
export interface WorkflowsServiceDeps {
  repository: WorkflowsRepository;
  /** The node types validation knows. */
  registry: NodeTypeRegistry;
  /** Seals the webhook secrets at rest. */
  secretBox: SecretBox;
  clock: Clock;
  ids: IdGenerator;
}

/** Where webhook calls for workflows arrive (the webhooks module serves them). */
export const WEBHOOK_PATH_PREFIX = '/api/v1/webhooks';

/** The webhook paths of a workflow: by its id, and by its owner and name. */
export function webhookUrls(record: Pick<WorkflowRecord, 'id' | 'ownerId' | 'name'>) {
  return {
    url_by_id: `${WEBHOOK_PATH_PREFIX}/${record.id}`,
    url_by_name: `${WEBHOOK_PATH_PREFIX}/by-name/${record.ownerId}/${encodeURIComponent(record.name)}`,
  };
}

/** The graph of a stored definition: it was checked by the graph schema before it was stored. */
function graphOf(definition: WorkflowDefinition): WorkflowGraph {
  return definition.graph as WorkflowGraph;
}

function definitionResponse(definition: WorkflowDefinition) {
  return {
    name: definition.name,
    description: definition.description,
    graph: graphOf(definition),
    environment: definition.environment,
  };
}

function toResponse(record: WorkflowRecord): WorkflowResponse {
  return {
    id: record.id,
    ...definitionResponse(record.definition),
    version: record.version,
    owner_id: record.ownerId,
    created_at: record.createdAt.toISOString(),
    updated_at: record.updatedAt.toISOString(),
    webhook: webhookUrls(record),
  };
}

function toVersionSummary(version: WorkflowVersionRecord): VersionSummary {
  return { version: version.version, note: version.note, created_at: version.createdAt.toISOString() };
}

/** `name`, then `name (2)`, `name (3)` ... cut so the suffix always fits the longest name. */
function numberedName(name: string, number: number): string {
  if (number === 1) return name;
  const suffix = ` (${number})`;
  return `${name.slice(0, WORKFLOW_NAME_MAX_LENGTH - suffix.length).trimEnd()}${suffix}`;
}

/** A fresh webhook secret: 32 random bytes, base64url. */
function newWebhookSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Workflows: definitions with version history, validation, export and import, webhook secrets. */
export class WorkflowsService {
  constructor(private readonly deps: WorkflowsServiceDeps) {}

  async list(actor: Actor, query: ListWorkflowsQuery): Promise<Page<WorkflowResponse>> {
    return pageOf(query, await this.deps.repository.listByOwner(actor.userId, query.search, pageWindow(query)), toResponse);
  }

  async get(actor: Actor, id: string): Promise<WorkflowResponse> {
    return toResponse(await this.require(actor, id));
  }

  /** Saves a workflow as version 1, even with graph problems: a draft is allowed to be unfinished. */
  async create(actor: Actor, input: CreateWorkflowInput): Promise<WorkflowResponse> {
    const record = await this.insert(actor, input, 'create');
    if (!record) throw workflowNameTaken(input.name);
    return toResponse(record);
  }

  /** Applies any subset of the fields as the next version. */
  async update(actor: Actor, id: string, input: UpdateWorkflowInput): Promise<WorkflowResponse> {
    const current = (await this.require(actor, id)).definition;
    return toResponse(await this.storeVersion(actor, id, { ...current, ...input }, 'update'));
  }

  async delete(actor: Actor, id: string): Promise<void> {
    if (!(await this.deps.repository.delete(actor.userId, id))) throw workflowNotFound(id);
  }

  /**
   * Every problem of a graph, each with its node id where it has one. A graph that does not even
   * have the graph shape (e.g. read back from an old row) is reported as GRAPH_SHAPE_INVALID issues.
   * With `environment`, `{{env.NAME}}` must name one of its keys; without, env references are not checked.
   */
  validate(graph: unknown, environment?: Record<string, string>): ValidationResult {
    const parsed = workflowGraphSchema.safeParse(graph);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({
        code: 'GRAPH_SHAPE_INVALID',
        message: issue.message,
        path: issue.path.join('.'),
      }));
      return { valid: false, issues };
    }
    const issues = validateWorkflow(parsed.data, {
      registry: this.deps.registry,
      ...(environment ? { envNames: Object.keys(environment) } : {}),
    });
    return { valid: issues.length === 0, issues };
  }

  /** A self-describing document that `import` accepts: no ids, no owner, no webhook secret. */
  async export(actor: Actor, id: string): Promise<WorkflowExport> {
    const { definition } = await this.require(actor, id);
    return {
      format: WORKFLOW_EXPORT_FORMAT,
      format_version: WORKFLOW_EXPORT_FORMAT_VERSION,
      exported_at: this.deps.clock.now().toISOString(),
      workflow: definitionResponse(definition),
    };
  }

  /** A new workflow (fresh id and webhook secret, version 1) from an export; a taken name gets " (2)", " (3)" ... */
  async import(actor: Actor, document: WorkflowExport): Promise<WorkflowResponse> {
    // Another import may take the free name between the look-up and the insert: look again then.
    for (let attempt = 0; attempt < 3; attempt++) {
      const name = await this.freeName(actor.userId, document.workflow.name);
      const record = await this.insert(actor, { ...document.workflow, name }, 'import');
      if (record) return toResponse(record);
    }
    throw workflowNameTaken(document.workflow.name);
  }

  /** The version history, newest first. */
  async listVersions(actor: Actor, id: string, query: ListVersionsQuery): Promise<Page<VersionSummary>> {
    await this.require(actor, id);
    return pageOf(query, await this.deps.repository.listVersions(id, pageWindow(query)), toVersionSummary);
  }

  async getVersion(actor: Actor, id: string, version: number): Promise<VersionDetail> {
    const record = await this.requireVersion(actor, id, version);
    return { ...toVersionSummary(record), definition: definitionResponse(record.definition) };
  }

  /** Stores version `version` again as the newest version; the history in between stays. */
  async rollback(actor: Actor, id: string, version: number): Promise<WorkflowResponse> {
    const old = await this.requireVersion(actor, id, version);
    return toResponse(await this.storeVersion(actor, id, old.definition, `rollback to v${version}`));
  }

  /** The caller's stored workflow, or 404 WORKFLOW_NOT_FOUND (someone else's is not found either). */
  async require(actor: Actor, id: string): Promise<WorkflowRecord> {
    const record = await this.deps.repository.findOwned(actor.userId, id);
    if (!record) throw workflowNotFound(id);
    return record;
  }

  /** The owner's workflow of this exact name, or null (webhooks by name). */
  async findByName(ownerId: string, name: string): Promise<WorkflowRecord | null> {
    return this.deps.repository.findByName(ownerId, name);
  }

  /** Any user's workflow by id, or null (webhooks by id: the caller proves itself with the secret). */
  async findById(id: string): Promise<WorkflowRecord | null> {
    return this.deps.repository.findById(id);
  }

  /** The webhook secret of a stored workflow, unsealed. */
  webhookSecret(record: WorkflowRecord): string {
    return this.deps.secretBox.open(record.webhookSecretSealed);
  }

  /** The caller's webhook secret of their workflow, shown again on demand. */
  async showWebhookSecret(actor: Actor, id: string): Promise<{ secret: string }> {
    return { secret: this.webhookSecret(await this.require(actor, id)) };
  }

  /** Replaces the webhook secret with a new one (the old one stops working) and shows it. */
  async rotateWebhookSecret(actor: Actor, id: string): Promise<{ secret: string }> {
    const secret = newWebhookSecret();
    const sealed = this.deps.secretBox.seal(secret);
    const updated = await this.deps.repository.setWebhookSecret(actor.userId, id, sealed, this.deps.clock.now());
    if (!updated) throw workflowNotFound(id);
    return { secret };
  }

  private async insert(actor: Actor, definition: WorkflowDefinition, note: string): Promise<WorkflowRecord | null> {
    return this.deps.repository.insert({
      id: this.deps.ids.uuid(),
      ownerId: actor.userId,
      definition: {
        name: definition.name,
        description: definition.description,
        graph: definition.graph,
        environment: definition.environment,
      },
      webhookSecretSealed: this.deps.secretBox.seal(newWebhookSecret()),
      note,
      now: this.deps.clock.now(),
    });
  }

  private async storeVersion(actor: Actor, id: string, definition: WorkflowDefinition, note: string): Promise<WorkflowRecord> {
    const result = await this.deps.repository.updateDefinition({
      ownerId: actor.userId,
      id,
      definition,
      note,
      now: this.deps.clock.now(),
    });
    if (result === 'not_found') throw workflowNotFound(id);
    if (result === 'name_taken') throw workflowNameTaken(definition.name);
    return result;
  }

  private async requireVersion(actor: Actor, id: string, version: number): Promise<WorkflowVersionRecord> {
    await this.require(actor, id);
    const record = await this.deps.repository.findVersion(id, version);
    if (!record) throw workflowVersionNotFound(id, version);
    return record;
  }

  /** The first of `name`, `name (2)`, `name (3)` ... that the owner has not used, looked up 50 at a time. */
  private async freeName(ownerId: string, name: string): Promise<string> {
    for (let first = 1; first <= 1000; first += 50) {
      const candidates = Array.from({ length: 50 }, (_, offset) => numberedName(name, first + offset));
      const taken = new Set(await this.deps.repository.takenNames(ownerId, candidates));
      const free = candidates.find((candidate) => !taken.has(candidate));
      if (free) return free;
    }
    throw workflowNameTaken(name);
  }
}
