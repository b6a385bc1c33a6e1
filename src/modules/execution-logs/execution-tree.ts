import type { ExecutionLogsRepository, ExecutionRecord, StepRow } from './execution-logs.repository.js';
import { NodePlacer } from './node-attribution.js';

/** One run of a tree and how many levels below the root it sits. */
export interface TreeEntry {
  record: ExecutionRecord;
  depth: number;
}

/** An execution with every run it started, down to a depth, and the steps that place their records on nodes. */
export interface ExecutionTree {
  /** By depth (the root first, so parents before children), then by creation time. */
  entries: TreeEntry[];
  depthOf: Map<string, number>;
  steps: StepRow[];
  placer: NodePlacer;
  /** Runs were left out: deeper than the depth asked for, or past the limit. */
  truncated: boolean;
}

/** How far a tree is followed. */
export interface TreeBounds {
  maxDepth: number;
  /** The most runs read; more than this marks the tree truncated. */
  limit: number;
}

/** Reads the tree of nested runs under `root` (the owner's only), with the steps of its workflow runs. */
export async function loadExecutionTree(repository: ExecutionLogsRepository, root: ExecutionRecord, bounds: TreeBounds): Promise<ExecutionTree> {
  const ownerId = root.run.ownerId;
  const found = await repository.tree(ownerId, root.run.id, { maxDepth: bounds.maxDepth, limit: bounds.limit + 1 });
  const kept = found.slice(0, bounds.limit);
  const deepest = kept.filter((entry) => entry.depth === bounds.maxDepth).map((entry) => entry.id);
  const [records, deeper] = await Promise.all([
    repository.findMany(ownerId, kept.map((entry) => entry.id)),
    repository.countChildren(deepest),
  ]);
  const byId = new Map(records.map((record) => [record.run.id, record]));
  const entries = kept
    .flatMap((entry) => {
      const record = byId.get(entry.id);
      return record ? [{ record, depth: entry.depth }] : [];
    })
    .sort((left, right) => left.depth - right.depth || left.record.run.createdAt.getTime() - right.record.run.createdAt.getTime());
  const workflowRuns = entries.filter((entry) => entry.record.workflow).map((entry) => entry.record.run.id);
  const steps = await repository.steps(workflowRuns);
  return {
    entries,
    depthOf: new Map(entries.map((entry) => [entry.record.run.id, entry.depth])),
    steps,
    placer: new NodePlacer(steps),
    truncated: found.length > bounds.limit || deeper > 0,
  };
}

/** The ids of `tops` and every run below them in the tree. */
export function subtreeIds(tree: ExecutionTree, tops: readonly string[]): string[] {
  const ids = new Set(tops);
  // Entries list a parent before its children (by depth), so one pass collects every level.
  for (const entry of tree.entries) {
    const parent = entry.record.run.parentRunId;
    if (parent && ids.has(parent)) ids.add(entry.record.run.id);
  }
  return [...ids];
}
