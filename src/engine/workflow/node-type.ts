import type { z } from 'zod';
import type { TokenUsage } from '../../platform/llm/llm-call.js';
import type { WorkflowGraph, WorkflowNode } from './definition.js';
import type { VariableScope } from './variables.js';
import type { WorkflowServices } from './workflow-services.js';

/** How a node ended: with an output (and the branch it chose), or waiting for a person. */
export type NodeOutcome =
  | {
      kind: 'done';
      output: Record<string, unknown>;
      /** The source_handle of the outgoing edges to take; absent: every edge but "error" ones. */
      branch?: string;
      usage?: TokenUsage;
    }
  | {
      kind: 'wait';
      /** What the person is asked (shown on the execution and in its events). */
      request: Record<string, unknown>;
    };

/** What runs a nested graph (loop and iteration bodies, sub-workflows) with extra variables in scope. */
export type SubgraphRunner = (
  graph: WorkflowGraph,
  options: { input: Record<string, unknown>; variables?: Record<string, unknown>; signal: AbortSignal },
) => Promise<{ output: Record<string, unknown>; usage: TokenUsage }>;

/** Everything a node's run gets. */
export interface NodeContext<Config> {
  node: WorkflowNode;
  /** The node's config, validated, with every {{variable}} already resolved (unless the type opts out). */
  config: Config;
  /** The variables visible to this node: start input, earlier outputs, env, loop items. */
  scope: VariableScope;
  signal: AbortSignal;
  services: WorkflowServices;
  /** Progress of a long node (e.g. an LLM's tokens), streamed as node events. */
  emit(event: string, data: Record<string, unknown>): void;
  runSubgraph: SubgraphRunner;
  /** Set when a waiting node is resumed: the decision it waited for. */
  resumeData?: Record<string, unknown> | undefined;
  /** 1 on the first try, then 2, 3 ... */
  attempt: number;
}

/** A kind of node: its config schema, the branches it may choose, and what it does. */
export interface NodeType<Config = Record<string, unknown>> {
  type: string;
  /** One line for the node catalogue. */
  description: string;
  configSchema: z.ZodType<Config>;
  /** The branch handles the node can choose with this config; undefined for a node that does not branch. */
  branches?(config: Config): string[];
  /** Nested graphs in the config (loop bodies), validated like the main graph. */
  subgraphs?(config: Config): WorkflowGraph[];
  /** Leave {{variables}} in the config unresolved: the node evaluates them itself (conditions, loops). */
  rawConfig?: boolean;
  /**
   * True for a node whose run nobody can observe: no side effect (nothing sent, called, spent or
   * waited for) and the same output for the same config and scope. Its step may be stored after
   * later nodes started, since after a crash running it again changes nothing. Default false:
   * before a node that may have effects starts, every earlier step is stored (see executor.ts).
   */
  pure?: boolean;
  run(context: NodeContext<Config>): Promise<NodeOutcome>;
}

/** Node types by name. */
export class NodeTypeRegistry {
  private readonly types = new Map<string, NodeType<unknown>>();

  register<Config>(nodeType: NodeType<Config>): this {
    if (this.types.has(nodeType.type)) throw new Error(`Node type "${nodeType.type}" is registered twice`);
    this.types.set(nodeType.type, nodeType as NodeType<unknown>);
    return this;
  }

  find(type: string): NodeType<unknown> | undefined {
    return this.types.get(type);
  }

  list(): NodeType<unknown>[] {
    return [...this.types.values()];
  }
}
