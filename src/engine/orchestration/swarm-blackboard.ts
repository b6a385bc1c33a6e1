/** How much a blackboard may hold, so agents cannot grow a run's prompts and output without bound. */
export interface BlackboardLimits {
  /** Most characters of the whole board as JSON. */
  maxChars: number;
  /** Most keys on the board. */
  maxKeys: number;
}

/** 64 KiB of JSON in at most 100 keys: room for notes and findings, not for documents. */
export const defaultBlackboardLimits: BlackboardLimits = { maxChars: 65_536, maxKeys: 100 };

/** Keys that would reach an object's prototype instead of the board. */
const reservedKeys = new Set(['__proto__', 'constructor', 'prototype']);

/** Why a write was refused, in words for the model that tried it. */
export class BlackboardRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlackboardRefusal';
  }
}

/**
 * The shared memory of a swarm: a plain JSON object every member reads and writes by key. It lives
 * as long as the run; its final state is part of the run's output.
 */
export class Blackboard {
  private readonly entries: Record<string, unknown>;

  constructor(
    initial: Record<string, unknown> = {},
    private readonly limits: BlackboardLimits = defaultBlackboardLimits,
  ) {
    // A copy through JSON: the board holds plain data only, and nobody outside changes it.
    this.entries = JSON.parse(JSON.stringify(initial)) as Record<string, unknown>;
  }

  /** The whole board, or one key of it (undefined when absent). */
  read(key?: string): unknown {
    if (key === undefined) return this.snapshot();
    return Object.hasOwn(this.entries, key) ? structuredClone(this.entries[key]) : undefined;
  }

  /** Sets `key` to `value` (plain JSON); refused with BlackboardRefusal for a reserved key or when the board would pass its limits. */
  write(key: string, value: unknown): void {
    if (reservedKeys.has(key)) throw new BlackboardRefusal(`"${key}" cannot be a key; choose another name`);
    const json = JSON.stringify(value);
    if (json === undefined) throw new BlackboardRefusal('the value must be JSON (a string, number, boolean, null, array or object)');
    const next = { ...this.entries, [key]: JSON.parse(json) as unknown };
    if (Object.keys(next).length > this.limits.maxKeys) {
      throw new BlackboardRefusal(`the blackboard holds at most ${this.limits.maxKeys} keys; overwrite an existing one`);
    }
    if (JSON.stringify(next).length > this.limits.maxChars) {
      throw new BlackboardRefusal(`the blackboard holds at most ${this.limits.maxChars} characters of JSON; write less`);
    }
    Object.defineProperty(this.entries, key, { value: next[key], enumerable: true, writable: true, configurable: true });
  }

  /** A copy of the whole board. */
  snapshot(): Record<string, unknown> {
    return structuredClone(this.entries);
  }
}
