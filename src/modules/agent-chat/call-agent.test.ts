import { describe, expect, it } from 'vitest';
import { normalisedTask } from './call-agent.tool.js';

/** Loop detection compares tasks as normalisedTask gives them: one task however written, other tasks kept apart. */
describe('normalisedTask', () => {
  it('reads case, spacing, punctuation and full-width forms as the same task', () => {
    const same = ['Plan the trip', 'plan the trip.', '  PLAN   the\ttrip!! ', 'Plan, the trip?', 'Ｐｌａｎ the trip'];

    expect(new Set(same.map(normalisedTask))).toEqual(new Set(['plan the trip']));
  });

  it('keeps tasks with other words apart', () => {
    const tasks = ['Plan the trip', 'Plan the trips', 'Plan a trip', 'Book the trip', 'Plan the trip to Rome'];

    expect(new Set(tasks.map(normalisedTask)).size).toBe(tasks.length);
  });
});
