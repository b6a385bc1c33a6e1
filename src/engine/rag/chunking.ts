import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';

/** How a text is cut into chunks; sizes count Unicode code points (an emoji or a rare CJK character is one). */
export interface ChunkingOptions {
  /** Largest chunk, in code points, between {@link MIN_CHUNK_SIZE} and {@link MAX_CHUNK_SIZE}. */
  chunkSize: number;
  /** Code points repeated from the end of the previous chunk, from 0 to `chunkSize - 1`. */
  chunkOverlap: number;
  /**
   * Literal separators tried in order (never regular expressions); `""` means "anywhere" and is
   * always added last. Absent or empty: {@link DEFAULT_SEPARATORS}.
   */
  separators?: readonly string[];
}

/** One chunk of a text: its trimmed content and its order in the text. */
export interface TextChunk {
  content: string;
  /** Index of the chunk in the text, from 0. */
  position: number;
}

/** Chunk size used when a knowledge base sets none, in code points. */
export const DEFAULT_CHUNK_SIZE = 500;
/** Chunk overlap used when a knowledge base sets none, in code points. */
export const DEFAULT_CHUNK_OVERLAP = 50;
/** Smallest chunk size accepted: below it most sentences would be cut. */
export const MIN_CHUNK_SIZE = 50;
/** Largest chunk size accepted: beyond it chunks outgrow common embedding model inputs. */
export const MAX_CHUNK_SIZE = 8000;

/**
 * The default separators, coarsest first, as shown in docs and API responses: paragraph, line,
 * Chinese and English sentence ends, clause marks, spaces, then anywhere. Sentence ends and
 * clause marks stay at the end of the text before them, and each family is one level: a cut
 * after 。 is as good as a cut after ！ or `? `.
 */
export const DEFAULT_SEPARATORS: readonly string[] = [
  '\n\n', '\n', '。', '！', '？', '. ', '! ', '? ', '；', '; ', '，', ', ', '、', ' ', '',
];

// A sentence ends after 。！？ and any closing quotes or brackets, or after . ! ? and whitespace
// (so 3.14 and example.com stay whole).
const SENTENCE_END = /(?<=[。！？][」』”’）)]*)(?![。！？」』”’）)])|(?<=[.!?]["'”’)\]]*\s)/;
// English commas and semicolons need a following space so 1,000 stays whole.
const CLAUSE_END = /(?<=[；，、])|(?<=[;,]\s)/;
// Cut after a run of spaces, so words stay whole and no piece is only spaces.
const WORD_END = /(?<=\s)(?=\S)/;

const DEFAULT_PATTERNS: ReadonlyMap<string, RegExp> = new Map([
  ['\n\n', /(?<=\n\n)/],
  ['\n', /(?<=\n)/],
  ...['。', '！', '？', '. ', '! ', '? '].map((mark) => [mark, SENTENCE_END] as const),
  ...['；', '; ', '，', ', ', '、'].map((mark) => [mark, CLAUSE_END] as const),
  [' ', WORD_END],
]);

// A user separator made only of punctuation that ends a sentence or clause stays at the end of the
// text before it (like the defaults); any other (###, <h2>, ---) starts the text after it, as a heading does.
const TRAILING_SEPARATOR = /^[\s。！？.!?；;，,、：:…]+$/u;

/**
 * Cuts a text into chunks of at most `chunkSize` code points. Steps: check the options; normalise
 * the text (`\r\n` to `\n`, no trailing spaces on lines, at most one empty line in a row); cut it
 * at the first separator found in it, and cut again with the next separators any piece still
 * too long, down to single characters; merge neighbouring pieces up to `chunkSize`, starting each
 * chunk with up to `chunkOverlap` code points of whole pieces from the end of the previous one;
 * trim chunks and drop empty ones.
 * @throws RangeError when the sizes are out of range (the HTTP layer checks them first).
 */
export async function splitIntoChunks(text: string, options: ChunkingOptions): Promise<TextChunk[]> {
  checkOptions(options);
  const normalised = normalise(text);
  if (normalised.trim() === '') return [];
  const custom = options.separators ?? [];
  const splitter = new PatternTextSplitter({
    chunkSize: options.chunkSize,
    chunkOverlap: options.chunkOverlap,
    patterns: custom.length > 0 ? literalPatterns(custom) : DEFAULT_PATTERNS,
  });
  const contents = await splitter.splitText(normalised);
  return contents
    .map((content) => content.trim())
    .filter((content) => content !== '')
    .map((content, position) => ({ content, position }));
}

function checkOptions(options: ChunkingOptions): void {
  const { chunkSize, chunkOverlap } = options;
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
    throw new RangeError(`chunkSize must be an integer from ${MIN_CHUNK_SIZE} to ${MAX_CHUNK_SIZE}, got ${chunkSize}`);
  }
  if (!Number.isInteger(chunkOverlap) || chunkOverlap < 0 || chunkOverlap >= chunkSize) {
    throw new RangeError(`chunkOverlap must be an integer from 0 to ${chunkSize - 1}, got ${chunkOverlap}`);
  }
}

function normalise(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[^\S\n]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n');
}

/** Split patterns for user separators, escaped so `.` or `***` mean themselves, ending with "anywhere". */
function literalPatterns(separators: readonly string[]): ReadonlyMap<string, RegExp> {
  const patterns = new Map<string, RegExp>();
  for (const separator of separators) {
    if (separator === '') continue;
    const escaped = separator.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    patterns.set(separator, TRAILING_SEPARATOR.test(separator) ? new RegExp(`(?<=${escaped})`) : new RegExp(`(?=${escaped})`));
  }
  return patterns;
}

function codePointLength(text: string): number {
  let length = 0;
  for (const _character of text) length += 1;
  return length;
}

/**
 * langchain's recursive splitter, cutting at patterns instead of literal strings. This version of
 * `@langchain/textsplitters` has no regex separators (`isSeparatorRegex` is ignored: the level is
 * never found and the text falls through to single characters) and keeps a separator only at the
 * start of the next piece, so the cut itself is overridden; the level choice (`text.includes`) and
 * the merging with overlap stay langchain's. Each level's key is a literal the text must contain.
 */
class PatternTextSplitter extends RecursiveCharacterTextSplitter {
  private readonly patterns: ReadonlyMap<string, RegExp>;

  constructor(options: { chunkSize: number; chunkOverlap: number; patterns: ReadonlyMap<string, RegExp> }) {
    super({
      chunkSize: options.chunkSize,
      chunkOverlap: options.chunkOverlap,
      // The last level, "anywhere", guarantees that no chunk exceeds chunkSize.
      separators: [...options.patterns.keys(), ''],
      // Pieces keep their separators, so merged pieces are joined with nothing and the text is unchanged.
      keepSeparator: true,
      lengthFunction: codePointLength,
    });
    this.patterns = options.patterns;
  }

  protected override splitOnSeparator(text: string, separator: string): string[] {
    const pattern = this.patterns.get(separator);
    // Code points, not UTF-16 units, so a character outside the BMP is never cut in two.
    const pieces = pattern === undefined ? Array.from(text) : text.split(pattern);
    return pieces.filter((piece) => piece !== '');
  }
}
