/** An agent of a swarm: its id, its name, and the short key the hand-off tool names it by. */
export interface SwarmMember {
  id: string;
  name: string;
  key: string;
}

/** A transfer of control from one member to another, with why and what the next one needs to know. */
export interface SwarmHandoff {
  from: SwarmMember;
  to: SwarmMember;
  reason: string;
  context: string;
}

/** Why a hand-off request is refused: the tool answers the model with this as an error. */
export type HandoffRefusal =
  | 'SWARM_UNKNOWN_AGENT'
  | 'SWARM_HANDOFF_SELF'
  | 'SWARM_ALREADY_HANDED_OFF'
  | 'SWARM_HANDOFF_LIMIT';

/** What the hand-off tool learns: control will pass to `to`, or the request is refused and why. */
export type HandoffDecision =
  | { accepted: true; to: SwarmMember; remaining: number }
  | { accepted: false; code: HandoffRefusal; message: string };

/** Why a swarm ended: an agent answered without handing off, or one asked for a hand-off past the limit. */
export type SwarmStop = 'answered' | 'handoff_limit';

/** What happens after a member's turn: the next member speaks, or the swarm is over. */
export type TurnOutcome = { next: SwarmMember; handoff: SwarmHandoff } | { stopped: SwarmStop };

/** The key a member is named by in hand-offs: its name in lower-case ASCII words joined by `_`. */
function slug(name: string): string {
  return name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
}

/**
 * Unique keys for members (a name without ASCII letters becomes `agent_<n>`; a repeated key gets
 * `_2`, `_3` ...), because models choose between short words better than between UUIDs.
 */
export function memberKeys(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name, index) => {
    const base = slug(name) || `agent_${index + 1}`;
    let key = base;
    for (let suffix = 2; used.has(key); suffix += 1) key = `${base}_${suffix}`;
    used.add(key);
    return key;
  });
}

/**
 * The hand-off state machine of a swarm: one member holds control at a time; during its turn it may
 * ask once to hand off to another member; when the turn ends, control passes on, or the swarm stops.
 *
 * Steps of a run: `beginTurn()` -> the member speaks, its hand-off tool calling `requestHandoff()` ->
 * `endTurn()` says who speaks next or why the swarm stopped. At most `maxHandoffs` hand-offs happen:
 * a request past the limit is refused (the member then answers with what it has) and ends the swarm
 * as `handoff_limit`.
 */
export class SwarmState {
  readonly handoffs: SwarmHandoff[] = [];
  private holder: SwarmMember;
  private pending: SwarmHandoff | null = null;
  private limitHit = false;
  private readonly maxHandoffs: number;

  constructor(
    private readonly members: readonly SwarmMember[],
    options: { entryId: string; maxHandoffs: number },
  ) {
    const entry = members.find((member) => member.id === options.entryId);
    if (!entry) throw new Error(`the entry agent ${options.entryId} is not a member of the swarm`);
    this.holder = entry;
    this.maxHandoffs = options.maxHandoffs;
  }

  /** The member holding control. */
  get current(): SwarmMember {
    return this.holder;
  }

  /** How many more hand-offs may happen. */
  get remaining(): number {
    return Math.max(0, this.maxHandoffs - this.handoffs.length);
  }

  /** Whether the current member's hand-off was accepted: its turn has nothing more to do. */
  get handedOff(): boolean {
    return this.pending !== null;
  }

  /** Starts the current member's turn: nothing requested yet. */
  beginTurn(): void {
    this.pending = null;
    this.limitHit = false;
  }

  /** The member by key, id or (case-insensitive) name; null when the swarm has no such member. */
  find(target: string): SwarmMember | null {
    const wanted = target.trim();
    const lower = wanted.toLowerCase();
    return (
      this.members.find((member) => member.key === lower || member.id === lower) ??
      this.members.find((member) => member.name.trim().toLowerCase() === lower) ??
      null
    );
  }

  /** The current member asks to pass control to `target` after its turn. */
  requestHandoff(request: { target: string; reason: string; context: string }): HandoffDecision {
    const keys = this.members.map((member) => member.key).join(', ');
    const to = this.find(request.target);
    if (!to) {
      return { accepted: false, code: 'SWARM_UNKNOWN_AGENT', message: `no agent "${request.target}" in this swarm; hand off to one of: ${keys}` };
    }
    if (to.id === this.holder.id) {
      return { accepted: false, code: 'SWARM_HANDOFF_SELF', message: 'you already hold control: answer, or hand off to another agent' };
    }
    if (this.pending) {
      return { accepted: false, code: 'SWARM_ALREADY_HANDED_OFF', message: `control already passes to ${this.pending.to.key} after this turn` };
    }
    if (this.handoffs.length >= this.maxHandoffs) {
      this.limitHit = true;
      return {
        accepted: false,
        code: 'SWARM_HANDOFF_LIMIT',
        message: `the swarm's hand-off limit (${this.maxHandoffs}) is reached: answer the user yourself with what you have`,
      };
    }
    this.pending = { from: this.holder, to, reason: request.reason, context: request.context };
    return { accepted: true, to, remaining: this.remaining - 1 };
  }

  /** Ends the current member's turn: control passes on if it handed off, otherwise the swarm stops. */
  endTurn(): TurnOutcome {
    const handoff = this.pending;
    this.pending = null;
    if (!handoff) return { stopped: this.limitHit ? 'handoff_limit' : 'answered' };
    this.handoffs.push(handoff);
    this.holder = handoff.to;
    return { next: handoff.to, handoff };
  }
}
