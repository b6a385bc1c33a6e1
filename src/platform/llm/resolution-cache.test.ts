import { describe, expect, it } from 'vitest';
import { ResolutionCache } from './resolution-cache.js';

function cache(maxOwners?: number) {
  let now = 0;
  const instance = new ResolutionCache<string>({ ttlMs: 100, now: () => now, ...(maxOwners ? { maxOwners } : {}) });
  return { instance, advance: (milliseconds: number) => (now += milliseconds) };
}

describe('ResolutionCache', () => {
  it('returns an entry until its time-to-live runs out', () => {
    const { instance, advance } = cache();
    instance.set('owner', 'default', 'model-a');

    advance(99);
    const fresh = instance.get('owner', 'default');
    advance(1);
    const expired = instance.get('owner', 'default');

    expect(fresh).toBe('model-a');
    expect(expired).toBeUndefined();
  });

  it("forgets every entry of one owner and nobody else's", () => {
    const { instance } = cache();
    instance.set('owner', 'default', 'a');
    instance.set('owner', 'id:1', 'b');
    instance.set('other', 'default', 'c');

    instance.invalidate('owner');

    expect(instance.get('owner', 'default')).toBeUndefined();
    expect(instance.get('owner', 'id:1')).toBeUndefined();
    expect(instance.get('other', 'default')).toBe('c');
  });

  it('drops the oldest owner beyond its size limit', () => {
    const { instance } = cache(2);
    instance.set('first', 'default', 'a');
    instance.set('second', 'default', 'b');

    instance.set('third', 'default', 'c');

    expect(instance.get('first', 'default')).toBeUndefined();
    expect(instance.get('second', 'default')).toBe('b');
    expect(instance.get('third', 'default')).toBe('c');
  });
});
