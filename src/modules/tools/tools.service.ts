import type { ToolRegistry, RegisteredTool } from '../../engine/tools/tool-registry.js';
import { asToolError } from '../../engine/tools/tool.js';
import type { ToolCallRecord } from '../../engine/tools/tool-set.js';
import type { BufferedWriter } from '../../platform/buffered-writer.js';
import type { Clock } from '../../platform/clock.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { IdGenerator } from '../../platform/ids.js';
import { pageOf, type Page } from '../../platform/pagination.js';
import { customToolDefinition, type CustomToolDeps } from './custom-tools.js';
import { builtinView, customView } from './tool-views.js';
import { argumentsMismatch, toolDisabled, toolNotFound } from './tools.errors.js';
import type { CustomToolRecord, ToolCallRow, ToolsRepository } from './tools.repository.js';
import type { ListToolsQuery, ToolOutcome, ToolView } from './tools.schemas.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the tools service is made of. */
export interface ToolsServiceDeps extends CustomToolDeps {
  registry: ToolRegistry;
  repository: ToolsRepository;
  usage: BufferedWriter<ToolCallRow>;
  clock: Clock;
  ids: IdGenerator;
}

/**
 * The tool catalogue of a caller: the built-ins and their own custom tools, found by id or name,
 * resolved into runnable tools for agents, invoked directly, and every call recorded.
 */
export class ToolsService {
  constructor(private readonly deps: ToolsServiceDeps) {}

  /** Built-ins and the caller's tools, filtered and paginated, built-ins first. */
  async list(actor: Actor, query: ListToolsQuery): Promise<Page<ToolView>> {
    const search = query.search?.toLowerCase();
    const views = await this.allViews(actor);
    const matching = views.filter(
      (view) =>
        (!query.category || view.category === query.category) &&
        (!query.type || view.type === query.type) &&
        (!search || view.name.toLowerCase().includes(search) || view.description.toLowerCase().includes(search)),
    );
    const offset = (query.page - 1) * query.page_size;
    return pageOf(query, { rows: matching.slice(offset, offset + query.page_size), total: matching.length }, (view) => view);
  }

  /** Every category with how many of the caller's visible tools are in it. */
  async categories(actor: Actor) {
    const counts = new Map<string, number>();
    for (const view of await this.allViews(actor)) counts.set(view.category, (counts.get(view.category) ?? 0) + 1);
    const items = [...counts].map(([name, count]) => ({ name, count })).sort((left, right) => left.name.localeCompare(right.name));
    return { items, total: items.length };
  }

  /** The built-in tools, with their input schemas. */
  builtin() {
    const items = this.deps.registry.list().map(builtinView);
    return { items, total: items.length };
  }

  /** One tool: a built-in by name, or the caller's by id or name. */
  async get(actor: Actor, toolId: string): Promise<ToolView> {
    const builtin = this.deps.registry.find(toolId);
    if (builtin) return builtinView(builtin);
    return customView(await this.requireCustom(actor, toolId));
  }

  /** Runs a tool once with arguments checked against its schema (422 on mismatch); `runId`: the run it serves (a workflow node's). */
  async use(actor: Actor, toolId: string, input: Record<string, unknown>, signal: AbortSignal, runId: string | null = null): Promise<ToolOutcome> {
    const tool = await this.runnable(actor, toolId);
    const parsed = tool.inputSchema.safeParse(input);
    if (!parsed.success) throw argumentsMismatch(tool.name, parsed.error.issues);
    return this.invoke(tool, parsed.data, { userId: actor.userId, agentId: null, runId, signal });
  }

  /** Runs a tool and reports the outcome as data: a failing tool is `ok: false`, not an HTTP error. */
  async invoke(tool: RegisteredTool, input: unknown, context: Parameters<RegisteredTool['execute']>[1]): Promise<ToolOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const { signal: _signal, ...record } = context;
    try {
      const output = await tool.execute(input, context);
      const durationMs = elapsed();
      this.recordCall({ toolName: tool.name, context: record, durationMs, status: 'succeeded', error: null });
      return { tool: tool.name, ok: true, output, duration_ms: durationMs };
    } catch (error) {
      const durationMs = elapsed();
      const { code, message } = asToolError(error, 'TOOL_ERROR');
      this.recordCall({ toolName: tool.name, context: record, durationMs, status: 'failed', error: message });
      return { tool: tool.name, ok: false, error: { code, message }, duration_ms: durationMs };
    }
  }

  /** The runnable tools a turn names (built-in names, the caller's tool names or ids); unknown and disabled ones are left out. */
  async resolve(actor: Actor, keys: readonly string[]): Promise<RegisteredTool[]> {
    const builtins = keys.flatMap((key) => this.deps.registry.find(key) ?? []);
    const rest = keys.filter((key) => !this.deps.registry.find(key));
    const custom = await this.findCustom(actor, rest);
    return [...builtins, ...custom.filter((record) => record.enabled).map((record) => customToolDefinition(record, this.deps))];
  }

  /** The keys among `keys` that name no tool the caller can use. */
  async missing(actor: Actor, keys: readonly string[]): Promise<string[]> {
    const rest = keys.filter((key) => !this.deps.registry.find(key));
    const found = await this.findCustom(actor, rest);
    return rest.filter((key) => !found.some((record) => record.id === key || record.name === key));
  }

  /** Keeps a usage record of one tool call (written in batches, off the request path). */
  recordCall = (call: ToolCallRecord): void => {
    this.deps.usage.add({
      id: this.deps.ids.uuid(),
      userId: call.context.userId,
      toolName: call.toolName,
      agentId: call.context.agentId,
      runId: call.context.runId,
      status: call.status,
      error: call.error?.slice(0, 2000) ?? null,
      durationMs: call.durationMs,
      createdAt: this.deps.clock.now(),
    });
  };

  /** The caller's custom tool by id or name. */
  async requireCustom(actor: Actor, toolId: string): Promise<CustomToolRecord> {
    const record = uuidPattern.test(toolId)
      ? await this.deps.repository.findOwned(actor.userId, toolId)
      : await this.deps.repository.findByName(actor.userId, toolId);
    if (!record) throw toolNotFound(toolId);
    return record;
  }

  private async runnable(actor: Actor, toolId: string): Promise<RegisteredTool> {
    const builtin = this.deps.registry.find(toolId);
    if (builtin) return builtin;
    const record = await this.requireCustom(actor, toolId);
    if (!record.enabled) throw toolDisabled(record.name);
    return customToolDefinition(record, this.deps);
  }

  private async findCustom(actor: Actor, keys: readonly string[]): Promise<CustomToolRecord[]> {
    const ids = keys.filter((key) => uuidPattern.test(key));
    const names = keys.filter((key) => !uuidPattern.test(key));
    return this.deps.repository.findMany(actor.userId, names, ids);
  }

  private async allViews(actor: Actor): Promise<ToolView[]> {
    const custom = await this.deps.repository.listByOwner(actor.userId);
    return [...this.deps.registry.list().map(builtinView), ...custom.map(customView)];
  }
}
