import { z } from 'zod';
import type { NodeType, NodeTypeRegistry } from '../../engine/workflow/node-type.js';

/**
 * Node types that POST /nodes/run refuses, and why: a sub-workflow is a whole child execution of
 * another workflow, with its own durable run, which a lone debug run has no execution to parent.
 */
const NOT_RUNNABLE_ALONE: Readonly<Record<string, string>> = {
  sub_workflow: 'it runs another workflow as a child execution; run that workflow with POST /api/v1/workflows/{workflow_id}/execute',
};

/** Why a node of `type` cannot run on its own, or undefined when it can. */
export function whyNotRunnableAlone(type: string): string | undefined {
  return NOT_RUNNABLE_ALONE[type];
}

/** A node type as an editor needs it: what it does, the JSON Schema of its config, its defaults. */
export interface NodeTypeView {
  type: string;
  description: string;
  config_schema: Record<string, unknown>;
  default_config: Record<string, unknown> | null;
  branching: boolean;
  nested_graphs: boolean;
  runnable_alone: boolean;
}

function toView(nodeType: NodeType<unknown>): NodeTypeView {
  const { $schema: _dialect, ...configSchema } = z.toJSONSchema(nodeType.configSchema, { io: 'input' }) as Record<string, unknown>;
  const defaults = nodeType.configSchema.safeParse({});
  return {
    type: nodeType.type,
    description: nodeType.description,
    config_schema: configSchema,
    default_config: defaults.success ? (defaults.data as Record<string, unknown>) : null,
    branching: nodeType.branches !== undefined,
    nested_graphs: nodeType.subgraphs !== undefined,
    runnable_alone: whyNotRunnableAlone(nodeType.type) === undefined,
  };
}

const views = new WeakMap<NodeType<unknown>, NodeTypeView>();

/** Every registered node type in registration order (each view computed once: a type's schema never changes). */
export function nodeTypeCatalogue(registry: NodeTypeRegistry): NodeTypeView[] {
  return registry.list().map((nodeType) => {
    let view = views.get(nodeType);
    if (!view) {
      view = toView(nodeType);
      views.set(nodeType, view);
    }
    return view;
  });
}
