import { describe, expect, it } from 'vitest';
import { fuseRankings, type RankedHit } from './rank-fusion.js';

interface Hit extends RankedHit {
  from: 'vector' | 'keyword';
}

const vectorHits = (...ids: string[]): Hit[] => ids.map((id) => ({ id, from: 'vector' }));
const keywordHits = (...ids: string[]): Hit[] => ids.map((id) => ({ id, from: 'keyword' }));
const idsOf = (hits: { item: RankedHit }[]) => hits.map((hit) => hit.item.id);

describe('fuseRankings', () => {
  it('keeps the order of identical lists, scoring the first hit 1', () => {
    const fused = fuseRankings(vectorHits('a', 'b', 'c'), keywordHits('a', 'b', 'c'), { vectorWeight: 0.7 });

    expect(idsOf(fused)).toEqual(['a', 'b', 'c']);
    expect(fused[0]!.score).toBe(1);
    expect(fused[1]!.score).toBeCloseTo(61 / 62, 12);
    expect(fused.map((hit) => [hit.vectorRank, hit.keywordRank])).toEqual([[1, 1], [2, 2], [3, 3]]);
  });

  it('ranks a hit second in both lists above hits first in one list only', () => {
    // vector:  a  b        keyword:  c  b
    const fused = fuseRankings(vectorHits('a', 'b'), keywordHits('c', 'b'), { vectorWeight: 0.5 });

    expect(idsOf(fused)).toEqual(['b', 'a', 'c']);
    expect(fused[0]).toMatchObject({ vectorRank: 2, keywordRank: 2 });
    expect(fused[1]).toMatchObject({ score: 0.5, vectorRank: 1, keywordRank: null });
  });

  it('lets the weight decide between two lists in opposite orders', () => {
    // vector:  a  b        keyword:  b  a
    const vectorHeavy = fuseRankings(vectorHits('a', 'b'), keywordHits('b', 'a'), { vectorWeight: 0.8 });
    const keywordHeavy = fuseRankings(vectorHits('a', 'b'), keywordHits('b', 'a'), { vectorWeight: 0.2 });

    expect(idsOf(vectorHeavy)).toEqual(['a', 'b']);
    expect(idsOf(keywordHeavy)).toEqual(['b', 'a']);
  });

  it('follows the vector order only with weight 1, dropping keyword-only hits', () => {
    const fused = fuseRankings(vectorHits('a', 'b', 'c'), keywordHits('x', 'c', 'b'), { vectorWeight: 1 });

    expect(idsOf(fused)).toEqual(['a', 'b', 'c']);
    expect(fused.find((hit) => hit.item.id === 'c')).toMatchObject({ vectorRank: 3, keywordRank: 2 });
  });

  it('follows the keyword order only with weight 0, dropping vector-only hits', () => {
    const fused = fuseRankings(vectorHits('a', 'b', 'c'), keywordHits('c', 'x', 'a'), { vectorWeight: 0 });

    expect(idsOf(fused)).toEqual(['c', 'x', 'a']);
    expect(fused[0]!.score).toBe(1);
    expect(fused[2]!.score).toBeCloseTo(61 / 63, 12);
  });

  it('takes the item from the vector list when an id is in both', () => {
    const fused = fuseRankings(vectorHits('a'), keywordHits('a'), { vectorWeight: 0.5 });

    expect(fused).toHaveLength(1);
    expect(fused[0]!.item.from).toBe('vector');
  });

  it('keeps the first rank of an id repeated in one list', () => {
    const fused = fuseRankings(vectorHits('a', 'b', 'a'), keywordHits('b', 'b'), { vectorWeight: 0.5 });

    expect(fused.map((hit) => [hit.item.id, hit.vectorRank, hit.keywordRank])).toEqual([
      ['b', 2, 1],
      ['a', 1, null],
    ]);
  });

  it('uses k: a small k widens the gap between ranks', () => {
    const fused = fuseRankings(vectorHits('a', 'b'), [], { vectorWeight: 1, k: 0 });

    expect(fused.map((hit) => hit.score)).toEqual([1, 0.5]);
  });

  it('breaks equal scores by the better best rank before the id', () => {
    // With k = 60 and weight 0.5, rank 62 in both lists scores 0.5 * 61/122 * 2 = 0.5: the same
    // as rank 1 in the vector list alone. Id order alone would put a-deep first.
    const fillers = Array.from({ length: 61 }, (_value, index) => `filler-${index}`);
    const vector = vectorHits('z-first', ...fillers.slice(0, 60), 'a-deep');
    const keyword = keywordHits(...fillers, 'a-deep');

    const fused = fuseRankings(vector, keyword, { vectorWeight: 0.5 });

    const tied = fused.filter((hit) => hit.score === 0.5);
    expect(tied.map((hit) => [hit.item.id, hit.vectorRank, hit.keywordRank])).toEqual([
      ['z-first', 1, null],
      ['a-deep', 62, 62],
    ]);
  });

  it('orders hits with equal scores and ranks by id, so swapping the lists changes nothing', () => {
    const fused = fuseRankings(vectorHits('b'), keywordHits('a'), { vectorWeight: 0.5 });
    const swapped = fuseRankings(vectorHits('a'), keywordHits('b'), { vectorWeight: 0.5 });

    expect(idsOf(fused)).toEqual(['a', 'b']);
    expect(idsOf(swapped)).toEqual(['a', 'b']);
  });

  it('answers nothing for two empty lists', () => {
    expect(fuseRankings([], [], { vectorWeight: 0.5 })).toEqual([]);
  });

  it.each([{ vectorWeight: -0.1 }, { vectorWeight: 1.1 }, { vectorWeight: Number.NaN }, { vectorWeight: 0.5, k: -1 }, { vectorWeight: 0.5, k: Infinity }])(
    'rejects options %j',
    (options) => {
      expect(() => fuseRankings(vectorHits('a'), keywordHits('a'), options)).toThrow(RangeError);
    },
  );
});
