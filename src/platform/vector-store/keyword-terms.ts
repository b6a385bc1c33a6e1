import { keywordTerms } from '../llm/local-embedder.js';

// tsvector limits: positions go up to 16383 and a lexeme keeps at most 256 of them.
const MAX_POSITION = 16_383;
const MAX_POSITIONS_PER_TERM = 256;
// A lexeme must stay under 2 KiB; longer "words" (hashes, base64) are useless as keywords anyway.
const MAX_TERM_LENGTH = 200;
// A query with more distinct terms than this adds noise and cost, not recall.
const MAX_QUERY_TERMS = 64;

/** Quotes a lexeme for the tsvector / tsquery text forms: 'it''s', with backslashes doubled. */
function quoteLexeme(term: string): string {
  return `'${term.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

function usableTerms(text: string): string[] {
  return keywordTerms(text).filter((term) => term.length <= MAX_TERM_LENGTH);
}

/**
 * The tsvector text of a chunk, built from Tiangong's own analysis (stemmed words, CJK bigrams and
 * unigrams) rather than a PostgreSQL text search configuration, which has no Chinese word breaking.
 * Positions let ts_rank weigh repeated terms.
 */
export function toTsvectorText(text: string): string {
  const positions = new Map<string, number[]>();
  usableTerms(text).forEach((term, index) => {
    const list = positions.get(term) ?? [];
    if (list.length < MAX_POSITIONS_PER_TERM) list.push(Math.min(index + 1, MAX_POSITION));
    positions.set(term, list);
  });
  return [...positions].map(([term, list]) => `${quoteLexeme(term)}:${[...new Set(list)].join(',')}`).join(' ');
}

/** The tsquery text matching any term of a query ("'a' | 'b'"), or null when the query has no terms. */
export function toTsqueryText(text: string): string | null {
  const terms = [...new Set(usableTerms(text))].slice(0, MAX_QUERY_TERMS);
  return terms.length === 0 ? null : terms.map(quoteLexeme).join(' | ');
}
