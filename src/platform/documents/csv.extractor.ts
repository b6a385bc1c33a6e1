import Papa from 'papaparse';
import type { ExtractedDocument, ExtractionContext } from './extracted-document.js';
import { decodeText } from './text-decoding.js';

/**
 * Parses CSV (or TSV) into rows with papaparse, which guesses the delimiter; the text is one
 * "cell | cell" line per row. Malformed quoting is not fatal: papaparse recovers and the number
 * of problems is reported as `parseErrors`.
 */
export async function extractCsv(bytes: Uint8Array, context: ExtractionContext): Promise<ExtractedDocument> {
  const { text: source, encoding } = decodeText(bytes);
  const tabSeparated = context.fileName?.toLowerCase().endsWith('.tsv') ?? false;
  const result = Papa.parse<string[]>(source, {
    delimiter: tabSeparated ? '\t' : '',
    skipEmptyLines: 'greedy',
  });
  context.checkpoint();
  const rows = result.data.map((row) => row.map((cell) => cell.trim()));
  const columns = rows.reduce((widest, row) => Math.max(widest, row.length), 0);
  // A one-column file has no delimiter to detect; that is not a problem with the file.
  const problems = result.errors.filter((error) => error.code !== 'UndetectableDelimiter');
  return {
    text: rows.map((row) => row.join(' | ')).join('\n'),
    format: 'csv',
    rows,
    metadata: {
      encoding,
      rowCount: rows.length,
      columnCount: columns,
      delimiter: result.meta.delimiter,
      ...(problems.length > 0 ? { parseErrors: problems.length } : {}),
    },
  };
}
