/**
 * A short-lived per-owner cache of resolved models. Resolving reads the database, decrypts the key
 * and builds provider clients, which is most of a chat turn's overhead; a resolution stays valid
 * until the owner changes a model config (`invalidate`, which the model-configs service calls and
 * broadcasts to other instances) or the time-to-live runs out, which bounds staleness anyway.
 */
export class ResolutionCache<Entry> {
  private readonly owners = new Map<string, Map<string, { entry: Entry; expiresAt: number }>>();

  constructor(
    private readonly options: { ttlMs: number; now: () => number; maxOwners?: number },
  ) {}

  /** The live entry for `key` of `ownerId`, if any. */
  get(ownerId: string, key: string): Entry | undefined {
    const cached = this.owners.get(ownerId)?.get(key);
    if (!cached) return undefined;
    if (cached.expiresAt > this.options.now()) return cached.entry;
    this.owners.get(ownerId)?.delete(key);
    return undefined;
  }

  /** Stores an entry; past `maxOwners` owners the oldest owner's entries are dropped. */
  set(ownerId: string, key: string, entry: Entry): void {
    let entries = this.owners.get(ownerId);
    if (!entries) {
      if (this.owners.size >= (this.options.maxOwners ?? 10_000)) {
        const oldest = this.owners.keys().next().value;
        if (oldest !== undefined) this.owners.delete(oldest);
      }
      entries = new Map();
      this.owners.set(ownerId, entries);
    }
    entries.set(key, { entry, expiresAt: this.options.now() + this.options.ttlMs });
  }

  /** Forgets everything resolved for `ownerId`. */
  invalidate(ownerId: string): void {
    this.owners.delete(ownerId);
  }
}
