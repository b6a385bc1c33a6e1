import { isAppError } from '../../platform/errors/app-error.js';
import type { Actor } from '../../platform/http/authenticate.js';
import { workflowTemplateNotFound } from './workflow-templates.errors.js';
import type { CreateFromTemplateInput, ListTemplatesQuery, TemplateDetail, TemplateSummary } from './workflow-templates.schemas.js';
import { workflowTemplates, type WorkflowTemplate } from './workflow-templates.js';
import { workflowNameTaken } from './workflows.errors.js';
import { WORKFLOW_NAME_MAX_LENGTH, type WorkflowResponse } from './workflows.schemas.js';
import type { WorkflowsService } from './workflows.service.js';

/** How many names (`name`, `name (2)` ... `name (100)`) a creation tries before it answers 409. */
const MAX_NAME_ATTEMPTS = 100;

/** What the templates service is made of. */
export interface WorkflowTemplatesServiceDeps {
  workflows: Pick<WorkflowsService, 'create'>;
  /** The catalogue; default: the built-in templates. */
  templates?: readonly WorkflowTemplate[];
}

/** `name`, then `name (2)`, `name (3)` ... cut so the suffix always fits the longest name. */
function numberedName(name: string, number: number): string {
  if (number === 1) return name;
  const suffix = ` (${number})`;
  return `${name.slice(0, WORKFLOW_NAME_MAX_LENGTH - suffix.length).trimEnd()}${suffix}`;
}

function toSummary(template: WorkflowTemplate): TemplateSummary {
  const { id, name, description, category, tags } = template;
  return { id, name, description, category, tags: [...tags], node_count: template.graph.nodes.length };
}

function matches(template: WorkflowTemplate, search: string): boolean {
  const needle = search.toLowerCase();
  return [template.id, template.name, template.description, template.category, ...template.tags].some((text) => text.toLowerCase().includes(needle));
}

/** The built-in workflow templates: browse them, and copy one into a new workflow of the caller's. */
export class WorkflowTemplatesService {
  private readonly templates: readonly WorkflowTemplate[];

  constructor(private readonly deps: WorkflowTemplatesServiceDeps) {
    this.templates = deps.templates ?? workflowTemplates;
  }

  /** Every template of the category (if given) that matches the search (if given), in catalogue order. */
  list(query: ListTemplatesQuery): { items: TemplateSummary[]; total: number } {
    const items = this.templates
      .filter((template) => query.category === undefined || template.category === query.category)
      .filter((template) => !query.search || matches(template, query.search))
      .map(toSummary);
    return { items, total: items.length };
  }

  /** The whole template (a copy), or 404 WORKFLOW_TEMPLATE_NOT_FOUND. */
  get(id: string): TemplateDetail {
    const template = this.require(id);
    return { ...structuredClone(template), environment: { ...template.environment } };
  }

  /**
   * A new workflow (version 1) of the caller's with the template's graph and environment. Its name
   * is `input.name` or the template's; a name the caller already uses gets " (2)", " (3)" ... appended.
   */
  async createWorkflow(actor: Actor, id: string, input: CreateFromTemplateInput): Promise<WorkflowResponse> {
    const { name: templateName, description, graph, environment } = this.get(id);
    const name = input.name ?? templateName;
    // Each attempt is an insert that the unique name index refuses, so concurrent creations cannot collide.
    for (let number = 1; number <= MAX_NAME_ATTEMPTS; number++) {
      try {
        return await this.deps.workflows.create(actor, {
          name: numberedName(name, number),
          description: input.description ?? description,
          graph,
          environment,
        });
      } catch (error) {
        if (!isAppError(error) || error.code !== 'WORKFLOW_NAME_TAKEN') throw error;
      }
    }
    throw workflowNameTaken(name);
  }

  private require(id: string): WorkflowTemplate {
    const template = this.templates.find((candidate) => candidate.id === id);
    if (!template) throw workflowTemplateNotFound(id);
    return template;
  }
}
