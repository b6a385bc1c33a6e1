/** Anything a retriever ranks: only its id matters to fusion. */
export interface RankedHit {
  id: string;
}

/** How two rankings are fused. */
export interface FusionOptions {
  /** Share of the vector ranking, from 0 (keyword only) to 1 (vector only); the keyword ranking gets the rest. */
  vectorWeight: number;
  /** Damping constant of reciprocal rank fusion (default {@link DEFAULT_FUSION_K}): larger flattens the gap between ranks. */
  k?: number;
}

/** One hit after fusion, with the ranks (from 1) it had in each list, or null where it was absent. */
export interface FusedHit<T> {
  item: T;
  /** Fused score from 0 to 1: 1 for a hit ranked first in both lists. */
  score: number;
  vectorRank: number | null;
  keywordRank: number | null;
}

/** The usual reciprocal rank fusion constant, from the original paper (Cormack et al., 2009). */
export const DEFAULT_FUSION_K = 60;

interface Candidate<T> {
  item: T;
  vectorRank: number | null;
  keywordRank: number | null;
}

/**
 * Fuses a vector ranking and a keyword ranking by weighted reciprocal rank fusion. Steps: give
 * each id its first (best) rank in each list, from 1; score it `w / (k + vectorRank) + (1 - w) /
 * (k + keywordRank)`, where a missing rank adds 0; scale by `k + 1` so first in both lists scores
 * 1; drop hits scoring 0 (with `w = 1` the keyword-only hits, with `w = 0` the vector-only ones);
 * sort by score, then by best rank, then by id, so equal inputs always give the same order.
 * When an id is in both lists, `item` is the vector list's object.
 * @throws RangeError when `vectorWeight` is outside 0..1 or `k` is negative or not finite.
 */
export function fuseRankings<T extends RankedHit>(
  vector: readonly T[],
  keyword: readonly T[],
  options: FusionOptions,
): FusedHit<T>[] {
  const weight = options.vectorWeight;
  const k = options.k ?? DEFAULT_FUSION_K;
  if (!(weight >= 0 && weight <= 1)) throw new RangeError(`vectorWeight must be from 0 to 1, got ${weight}`);
  if (!(Number.isFinite(k) && k >= 0)) throw new RangeError(`k must be a finite number from 0, got ${k}`);

  const candidates = new Map<string, Candidate<T>>();
  // The vector list goes first so that its object is the one kept for ids in both lists.
  vector.forEach((item, index) => {
    if (!candidates.has(item.id)) candidates.set(item.id, { item, vectorRank: index + 1, keywordRank: null });
  });
  keyword.forEach((item, index) => {
    const candidate = candidates.get(item.id);
    if (candidate === undefined) candidates.set(item.id, { item, vectorRank: null, keywordRank: index + 1 });
    else if (candidate.keywordRank === null) candidate.keywordRank = index + 1;
  });

  // (k + 1) / (k + rank) is exactly 1 at rank 1, so first in both lists scores w + (1 - w) = 1 without rounding drift.
  const share = (rank: number | null) => (rank === null ? 0 : (k + 1) / (k + rank));
  const fused: FusedHit<T>[] = [];
  for (const candidate of candidates.values()) {
    const score = weight * share(candidate.vectorRank) + (1 - weight) * share(candidate.keywordRank);
    if (score > 0) fused.push({ ...candidate, score });
  }
  return fused.sort(compareFused);
}

function bestRank(hit: FusedHit<RankedHit>): number {
  return Math.min(hit.vectorRank ?? Infinity, hit.keywordRank ?? Infinity);
}

function compareFused(left: FusedHit<RankedHit>, right: FusedHit<RankedHit>): number {
  if (left.score !== right.score) return right.score - left.score;
  const rankDifference = bestRank(left) - bestRank(right);
  if (rankDifference !== 0) return rankDifference;
  // Code-unit order, not localeCompare, so the order does not depend on the server's locale.
  if (left.item.id === right.item.id) return 0;
  return left.item.id < right.item.id ? -1 : 1;
}
