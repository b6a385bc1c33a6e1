/**
 * The built-in local embedder: lexical feature hashing, no weights, no network.
 * It matches shared words, word pieces and CJK characters; it is not semantic, so synonyms and
 * paraphrases that share no words or characters do not match. See docs/local-embedder.md.
 */

/** The dimension of local embeddings unless a caller asks for another. */
export const DEFAULT_LOCAL_EMBEDDING_DIMENSIONS = 384;

/** The largest dimension accepted; beyond it the vectors only waste storage. */
export const MAX_LOCAL_EMBEDDING_DIMENSIONS = 65_536;

// Base weights per feature kind. Whole words and CJK bigrams carry the meaning; trigrams and CJK
// unigrams only give partial credit (inflections, compounds, single shared characters).
const WORD_WEIGHT = 1.0;
const TRIGRAM_WEIGHT = 0.5;
const CJK_BIGRAM_WEIGHT = 1.0;
const CJK_UNIGRAM_WEIGHT = 0.5;

// Script=Han covers 々 too; ー (U+30FC) is Script=Common but is part of Katakana words.
const CJK_CLASS = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}\\u30FC';
// A CJK run, or a run of other letters, marks and digits. The lookahead keeps "api密码" as two
// runs; Han is also \p{L}, so without it the second branch would swallow the CJK characters.
const RUN_PATTERN = new RegExp(`[${CJK_CLASS}]+|(?:(?![${CJK_CLASS}])[\\p{L}\\p{M}\\p{N}])+`, 'gu');
const CJK_START = new RegExp(`^[${CJK_CLASS}]`, 'u');
const APOSTROPHE_IN_WORD = /(\p{L})['\u2019](?=\p{L})/gu;
const NUMBER = /^\p{N}+$/u;
const ASCII_WORD = /^[a-z]+$/;
const HAS_VOWEL = /[aeiouy]/;
const UTF8 = new TextEncoder();

const ENGLISH_STOP_WORDS = new Set(
  (
    'a about above after again all am an and any are as at be been before being below between both ' +
    'but by can could did do does doing down during each few for from further had has have having he ' +
    'her here hers herself him himself his how i if in into is it its itself just me more most my ' +
    'myself no nor not now of off on once only or other our ours ourselves out over own same she ' +
    'should so some such than that the their theirs them themselves then there these they this those ' +
    'through to too under until up very was we were what when where which while who whom why will ' +
    'with would you your yours yourself yourselves dont doesnt didnt isnt arent wasnt cant wont im ive'
  ).split(' '),
);

// Very common Chinese function characters (and a few Japanese particles). Dropped as unigrams
// only: inside bigrams they still help to tell phrases apart.
const CJK_STOP_CHARACTERS = new Set([...'的了是在和与及或也就都而着过把被这那之其个吗呢吧啊呀么の']);

/** One run of the normalised text: Latin-like words or a run of CJK characters. */
interface TextRun {
  kind: 'word' | 'cjk';
  text: string;
}

/**
 * Lower-cases, applies NFKC (full-width "ＡＢＣ１" becomes "abc1", the ideographic space a space)
 * and collapses whitespace, so the same text typed differently gives the same features.
 */
function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** Splits normalised text into word runs and CJK runs; punctuation and symbols separate runs. */
function splitRuns(normalized: string): TextRun[] {
  // "don't" and "user's" become "dont" and "users" rather than a dangling "t" or "s".
  const joined = normalized.replace(APOSTROPHE_IN_WORD, '$1');
  const runs: TextRun[] = [];
  for (const match of joined.matchAll(RUN_PATTERN)) {
    runs.push({ kind: CJK_START.test(match[0]) ? 'cjk' : 'word', text: match[0] });
  }
  return runs;
}

/** Drops one letter of a doubled final consonant ("runn" -> "run"), but keeps ll, ss and zz. */
function undouble(stem: string): string {
  const last = stem.at(-1) ?? '';
  const doubled = stem.length >= 3 && last === stem.at(-2) && !'aeiouylsz'.includes(last);
  return doubled ? stem.slice(0, -1) : stem;
}

/** The word without -ing or -ed when what remains is a plausible stem (3+ letters, a vowel). */
function stripVerbSuffix(word: string, suffix: string): string | null {
  if (!word.endsWith(suffix)) return null;
  const remainder = word.slice(0, -suffix.length);
  // "string" and "bred" are not inflections: "str" and "br" have no vowel or are too short.
  return remainder.length >= 3 && HAS_VOWEL.test(remainder) ? remainder : null;
}

/**
 * A light English suffix stripper, so "runs", "running" and "run" share the word feature.
 * Steps: plural ("policies" -> "policy", "boxes" -> "box", "passwords" -> "password"), then
 * -ing or -ed with an undoubled final consonant, then a final -e ("cache" and "cached" meet at
 * "cach"). Each step keeps a stem of at least three letters; mistakes are cheap because the
 * trigrams of the surface word still overlap.
 */
function stem(word: string): string {
  if (!ASCII_WORD.test(word) || word.length <= 3) return word;
  let result = word;
  if (result.endsWith('ies') && result.length > 4) result = `${result.slice(0, -3)}y`;
  else if (/(?:ss|sh|ch|x|z)es$/.test(result)) result = result.slice(0, -2);
  else if (result.endsWith('s') && !/(?:ss|us|is)$/.test(result)) result = result.slice(0, -1);
  const verbStem = stripVerbSuffix(result, 'ing') ?? (result.endsWith('eed') ? null : stripVerbSuffix(result, 'ed'));
  if (verbStem !== null) result = undouble(verbStem);
  if (result.endsWith('e') && result.length >= 4) result = result.slice(0, -1);
  return result;
}

/** A feature's base weight and how often it occurs in the text. */
interface FeatureCount {
  weight: number;
  count: number;
}

/** Counts one occurrence of a feature under its kind's base weight. */
function addFeature(features: Map<string, FeatureCount>, key: string, weight: number): void {
  const existing = features.get(key);
  if (existing) existing.count += 1;
  else features.set(key, { weight, count: 1 });
}

/** The indexed form of a word run: a number as is, a word stemmed; null for stop and one-letter words. */
function wordTerm(word: string): string | null {
  if (NUMBER.test(word)) return word;
  return [...word].length < 2 || ENGLISH_STOP_WORDS.has(word) ? null : stem(word);
}

/** Adds the stemmed word and the boundary-marked trigrams of the surface word. */
function addWordFeatures(features: Map<string, FeatureCount>, word: string): void {
  const term = wordTerm(word);
  if (term === null) return;
  addFeature(features, `w:${term}`, WORD_WEIGHT);
  // Trigrams of numbers would make 2023 resemble 2024; numbers match whole or not at all.
  if (NUMBER.test(word)) return;
  const marked = [...`<${word}>`];
  for (let index = 0; index + 3 <= marked.length; index++) {
    addFeature(features, `t:${marked.slice(index, index + 3).join('')}`, TRIGRAM_WEIGHT);
  }
}

/** Adds character unigrams (minus function characters) and bigrams of one CJK run. */
function addCjkFeatures(features: Map<string, FeatureCount>, run: string): void {
  const characters = [...run];
  characters.forEach((character, index) => {
    if (!CJK_STOP_CHARACTERS.has(character)) addFeature(features, `u:${character}`, CJK_UNIGRAM_WEIGHT);
    const next = characters[index + 1];
    if (next !== undefined) addFeature(features, `b:${character}${next}`, CJK_BIGRAM_WEIGHT);
  });
}

/** The weighted lexical features of a text, keyed by kind prefix and feature text. */
function extractFeatures(text: string): Map<string, FeatureCount> {
  const features = new Map<string, FeatureCount>();
  for (const run of splitRuns(normalizeText(text))) {
    if (run.kind === 'cjk') addCjkFeatures(features, run.text);
    else addWordFeatures(features, run.text);
  }
  return features;
}

/**
 * 32-bit FNV-1a over the UTF-8 bytes of a string, so ports to other languages hash identically
 * (hashing UTF-16 code units would tie the vectors to JavaScript strings).
 */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of UTF8.encode(text)) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash >>> 0;
}

/** The murmur3 finaliser: FNV's output bits are weakly mixed, this spreads every input bit. */
function fmix32(value: number): number {
  let hash = value >>> 0;
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/** Throws a RangeError unless the dimension is an integer from 1 to the maximum. */
export function assertEmbeddingDimensions(dimensions: number): void {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > MAX_LOCAL_EMBEDDING_DIMENSIONS) {
    throw new RangeError(
      `Local embedding dimensions must be an integer from 1 to ${MAX_LOCAL_EMBEDDING_DIMENSIONS}, got ${dimensions}`,
    );
  }
}

/**
 * Embeds a text as an L2-normalised vector of hashed lexical features (deterministic, offline).
 * Steps:
 * 1. Normalise: NFKC (full-width to half-width), lower-case, collapse whitespace.
 * 2. Split into runs of CJK characters (Han, Hiragana, Katakana, Hangul) and runs of other
 *    letters and digits; everything else separates runs.
 * 3. Word runs: drop English stop words and one-letter words (numbers stay); emit the stemmed
 *    word (weight 1) and the trigrams of the word between < and > markers (weight 0.5).
 * 4. CJK runs: emit character bigrams (weight 1) and unigrams (weight 0.5), without unigrams of
 *    very common function characters such as 的 了 是.
 * 5. Weigh each feature by base weight x (1 + ln tf), so repetition counts, but sub-linearly.
 * 6. Hash each feature (FNV-1a then the murmur3 finaliser) to a bucket, hash % dimensions, and
 *    add it with a sign taken from a second hash; signed hashing makes collisions cancel out on
 *    average instead of always inflating similarity.
 * 7. Divide by the L2 norm. A text with no features (empty, punctuation, only stop words) gives
 *    the zero vector; cosine similarity with it is 0 (the AI SDK's cosineSimilarity returns 0).
 */
export function embedText(text: string, dimensions: number = DEFAULT_LOCAL_EMBEDDING_DIMENSIONS): number[] {
  assertEmbeddingDimensions(dimensions);
  const vector = new Array<number>(dimensions).fill(0);
  // Map iteration follows insertion order, which follows the text, so sums are reproducible.
  for (const [key, { weight, count }] of extractFeatures(text)) {
    const base = fnv1a(key);
    const bucket = fmix32(base) % dimensions;
    const sign = fmix32(base ^ 0x9e3779b9) & 1 ? -1 : 1;
    vector[bucket] = (vector[bucket] ?? 0) + sign * weight * (1 + Math.log(count));
  }
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return norm === 0 ? vector : vector.map((value) => value / norm);
}

/**
 * The number of lexical tokens in a text, as reported in embedding usage: every word or number
 * run plus every CJK character, stop words included, since they were all read.
 */
export function countLexicalTokens(text: string): number {
  let tokens = 0;
  for (const run of splitRuns(normalizeText(text))) {
    tokens += run.kind === 'cjk' ? [...run.text].length : 1;
  }
  return tokens;
}

/**
 * The keyword terms of a text, in text order, for the keyword index: stemmed words and numbers
 * (no stop words), CJK bigrams and CJK unigrams (no function characters). They come from the same
 * analysis as the local embeddings, so "running" finds "run" and 知识库 finds 知识 in both searches.
 */
export function keywordTerms(text: string): string[] {
  const terms: string[] = [];
  for (const run of splitRuns(normalizeText(text))) {
    if (run.kind === 'word') {
      const term = wordTerm(run.text);
      if (term !== null) terms.push(term);
      continue;
    }
    const characters = [...run.text];
    characters.forEach((character, index) => {
      if (!CJK_STOP_CHARACTERS.has(character)) terms.push(character);
      const next = characters[index + 1];
      if (next !== undefined) terms.push(`${character}${next}`);
    });
  }
  return terms;
}
