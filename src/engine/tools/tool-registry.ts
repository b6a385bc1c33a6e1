import type { ToolDefinition } from './tool.js';

/** A tool in the registry, whatever its input and output types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry holds tools of every input type
export type RegisteredTool = ToolDefinition<any, unknown>;

/**
 * The catalogue of built-in tools. Modules fill it at start-up and mark it ready; the health
 * endpoint and the tools API read it.
 */
export class ToolRegistry {
  private readonly tools = new Map<string, RegisteredTool>();
  private readyFlag = false;

  /** Adds a tool; a second tool with the same name is a programming error. */
  register(tool: RegisteredTool): void {
    if (this.tools.has(tool.name)) throw new Error(`Tool "${tool.name}" is already registered`);
    this.tools.set(tool.name, tool);
  }

  /** Marks loading as finished: from now on `ready` is true. */
  markReady(): void {
    this.readyFlag = true;
  }

  get ready(): boolean {
    return this.readyFlag;
  }

  get count(): number {
    return this.tools.size;
  }

  /** The tool called `name`, or null. */
  find(name: string): RegisteredTool | null {
    return this.tools.get(name) ?? null;
  }

  /** Every tool, sorted by category then name. */
  list(): RegisteredTool[] {
    return [...this.tools.values()].sort(
      (left, right) => left.category.localeCompare(right.category) || left.name.localeCompare(right.name),
    );
  }
}
