import { Agent, buildConnector } from 'undici';
import type { PinnedDestination } from './destination.js';

/** Keeps one undici Agent per (origin, pinned address), so keep-alive works and no socket ever resolves a name. */
export class PinnedAgentPool {
  private readonly agents = new Map<string, Agent>();

  constructor(private readonly maxAgents = 32) {}

  /**
   * The dispatcher for a checked destination: its connector ignores the host name undici asks for and dials the
   * pinned address; TLS still sends SNI and verifies the certificate for the original host name, because undici
   * derives `servername` from the origin's `host`, which is left untouched.
   */
  agentFor(destination: PinnedDestination): Agent {
    const key = `${destination.target.url.origin}|${destination.address}`;
    const existing = this.agents.get(key);
    if (existing !== undefined) {
      // Re-insert to keep the map in least-recently-used order.
      this.agents.delete(key);
      this.agents.set(key, existing);
      return existing;
    }
    const agent = createPinnedAgent(destination.address);
    this.agents.set(key, agent);
    this.evictOldest();
    return agent;
  }

  /** Closes every pooled connection (waits for requests in flight). */
  async close(): Promise<void> {
    const agents = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(agents.map((agent) => agent.close()));
  }

  private evictOldest(): void {
    while (this.agents.size > this.maxAgents) {
      const [oldestKey, oldest] = this.agents.entries().next().value ?? [];
      if (oldestKey === undefined || oldest === undefined) return;
      this.agents.delete(oldestKey);
      // Graceful: requests still streaming on that agent finish first.
      void oldest.close().catch(() => undefined);
    }
  }
}

/** An Agent whose every connection goes to `address` (an IP literal), whatever host name the request carries. */
export function createPinnedAgent(address: string): Agent {
  const connectPinned = buildConnector({});
  return new Agent({
    connect: (options, callback) => connectPinned({ ...options, hostname: address }, callback),
  });
}
