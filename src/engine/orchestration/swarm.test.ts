import { describe, expect, it } from 'vitest';
import { Blackboard, BlackboardRefusal } from './swarm-blackboard.js';
import { memberKeys, SwarmState, type SwarmMember } from './swarm.js';

const planner: SwarmMember = { id: 'a1', name: 'Planner', key: 'planner' };
const researcher: SwarmMember = { id: 'b2', name: 'Researcher', key: 'researcher' };
const writer: SwarmMember = { id: 'c3', name: 'Writer', key: 'writer' };

function swarm(maxHandoffs = 5) {
  return new SwarmState([planner, researcher, writer], { entryId: planner.id, maxHandoffs });
}

const request = (target: string) => ({ target, reason: 'better placed', context: 'notes' });

describe('memberKeys', () => {
  it('names members by their slugged names, unique, with a fallback for names without ASCII letters', () => {
    expect(memberKeys(['Planner', 'Data Researcher!', 'planner', '研究员', 'Café'])).toEqual([
      'planner',
      'data_researcher',
      'planner_2',
      'agent_4',
      'cafe',
    ]);
  });
});

describe('SwarmState', () => {
  it('passes control along hand-offs and stops when a member answers without handing off', () => {
    const state = swarm();

    state.beginTurn();
    const first = state.requestHandoff(request('researcher'));
    const afterPlanner = state.endTurn();
    state.beginTurn();
    const second = state.requestHandoff(request('Writer'));
    const afterResearcher = state.endTurn();
    state.beginTurn();
    const afterWriter = state.endTurn();

    expect(first).toEqual({ accepted: true, to: researcher, remaining: 4 });
    expect(second).toMatchObject({ accepted: true, to: writer, remaining: 3 });
    expect(afterPlanner).toEqual({ next: researcher, handoff: { from: planner, to: researcher, reason: 'better placed', context: 'notes' } });
    expect(afterResearcher).toMatchObject({ next: writer });
    expect(afterWriter).toEqual({ stopped: 'answered' });
    expect(state.current).toBe(writer);
    expect(state.handoffs.map((handoff) => `${handoff.from.key}->${handoff.to.key}`)).toEqual(['planner->researcher', 'researcher->writer']);
  });

  it('finds a target by key, id or name (any case)', () => {
    const state = swarm();

    expect([state.find('WRITER'), state.find('c3'), state.find(' writer '), state.find('nobody')]).toEqual([writer, writer, writer, null]);
  });

  it('refuses an unknown target, the member itself, and a second hand-off in one turn', () => {
    const state = swarm();
    state.beginTurn();

    const unknown = state.requestHandoff(request('critic'));
    const self = state.requestHandoff(request('planner'));
    const accepted = state.requestHandoff(request('writer'));
    const twice = state.requestHandoff(request('researcher'));

    expect(unknown).toMatchObject({ accepted: false, code: 'SWARM_UNKNOWN_AGENT' });
    expect(unknown.accepted === false && unknown.message).toContain('planner, researcher, writer');
    expect(self).toMatchObject({ accepted: false, code: 'SWARM_HANDOFF_SELF' });
    expect(accepted).toMatchObject({ accepted: true, to: writer });
    expect(twice).toMatchObject({ accepted: false, code: 'SWARM_ALREADY_HANDED_OFF' });
    expect(state.endTurn()).toMatchObject({ next: writer });
  });

  it('refuses a hand-off past the limit and stops the swarm with handoff_limit after that turn', () => {
    const state = swarm(1);
    state.beginTurn();
    state.requestHandoff(request('researcher'));
    state.endTurn();
    state.beginTurn();

    const refused = state.requestHandoff(request('planner'));

    expect(refused).toMatchObject({ accepted: false, code: 'SWARM_HANDOFF_LIMIT' });
    expect(state.endTurn()).toEqual({ stopped: 'handoff_limit' });
    expect(state.handoffs).toHaveLength(1);
    expect(state.current).toBe(researcher);
  });

  it('a member may come back: control returns to an agent that spoke before', () => {
    const state = swarm();
    for (const target of ['researcher', 'planner']) {
      state.beginTurn();
      state.requestHandoff(request(target));
      state.endTurn();
    }

    expect(state.current).toBe(planner);
    expect(state.remaining).toBe(3);
  });

  it('rejects an entry agent that is not a member', () => {
    expect(() => new SwarmState([planner], { entryId: 'zz', maxHandoffs: 1 })).toThrow(/not a member/);
  });
});

describe('Blackboard', () => {
  it('reads what was written, whole or by key, as copies', () => {
    const initial = { topic: 'tides' };
    const board = new Blackboard(initial);

    board.write('facts', ['the moon pulls']);
    const read = board.read('facts') as string[];
    read.push('changed outside');
    initial.topic = 'changed outside';

    expect(board.read()).toEqual({ topic: 'tides', facts: ['the moon pulls'] });
    expect(board.read('missing')).toBeUndefined();
  });

  it('refuses writes past its limits, reserved keys and values that are not JSON, and keeps what it had', () => {
    const board = new Blackboard({}, { maxChars: 40, maxKeys: 2 });
    board.write('a', 1);
    board.write('b', 2);

    expect(() => board.write('c', 3)).toThrow(BlackboardRefusal);
    expect(() => board.write('a', 'x'.repeat(50))).toThrow(/at most 40 characters/);
    expect(() => board.write('__proto__', { polluted: true })).toThrow(/cannot be a key/);
    expect(() => board.write('a', () => 1)).toThrow(/must be JSON/);
    expect(board.read()).toEqual({ a: 1, b: 2 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
