import Papa from 'papaparse';
import { parseAllDocuments, stringify as toYaml } from 'yaml';
import { z } from 'zod';
import { systemClock, type Clock } from '../../../platform/clock.js';
import { JsonPathError, MAX_JSON_PATH_LENGTH, queryJsonPath } from '../../expressions/json-path.js';
import { defineTool, ToolError } from '../tool.js';
import type { RegisteredTool } from '../tool-registry.js';
import { createEncodingTools } from './encoding.tools.js';
import { formatJsonTokens, JsonSyntaxError, parseJsonText, scanJson } from './json-text.js';

const MAX_DOCUMENT_LENGTH = 5_000_000;

const jsonPath = defineTool({
  name: 'json_path',
  category: 'data',
  description:
    'Queries a JSON document with JSONPath and returns each match with its normalized path. Supports $ (root), ' +
    '.key and [\'key\'], [n] and [-n] (from the end), [*] and .*, ..key (any depth), [start:end:step], unions [0,2] ' +
    'and filters like [?(@.price < 10 && @.tags)] with == != < <= > >= && || ! and parentheses. ' +
    'Example: $.store.book[?(@.author == "Tolkien")].title',
  inputSchema: z.object({
    document: z.unknown().describe('The JSON document to query: a JSON value, or a string of JSON text (parsed when it starts with { or [)'),
    path: z.string().min(1).max(MAX_JSON_PATH_LENGTH).describe('The JSONPath expression, starting with $'),
    maxResults: z.number().int().min(1).max(10_000).default(100).describe('The most matches returned'),
  }),
  async execute({ document, path, maxResults }) {
    const value = typeof document === 'string' && /^\s*[[{]/.test(document) ? parseJsonText(document) : document;
    try {
      const matches = queryJsonPath(value, path);
      return { count: matches.length, truncated: matches.length > maxResults, matches: matches.slice(0, maxResults) };
    } catch (error) {
      if (error instanceof JsonPathError) throw new ToolError(error.message);
      throw error;
    }
  },
});

function parseYaml(text: string): unknown {
  const documents = parseAllDocuments(text, { prettyErrors: true });
  if (!Array.isArray(documents)) return null;
  const values = documents.map((document) => {
    const [error] = document.errors;
    if (error) throw new ToolError(`Invalid YAML: ${error.message}`);
    // A small alias budget stops "billion laughs" documents from expanding without bound.
    return document.toJS({ maxAliasCount: 100 }) as unknown;
  });
  if (values.length === 0) return null;
  return values.length === 1 ? values[0] : values;
}

const jsonYamlConvert = defineTool({
  name: 'json_yaml_convert',
  category: 'data',
  description:
    'Converts JSON text to YAML or YAML to JSON (YAML 1.2). Several YAML documents (separated by ---) become a JSON ' +
    'array. Syntax errors are reported with their line and column.',
  inputSchema: z.object({
    input: z.string().max(MAX_DOCUMENT_LENGTH).describe('The JSON or YAML text'),
    direction: z.enum(['json_to_yaml', 'yaml_to_json']).describe('Which way to convert'),
    indent: z.number().int().min(1).max(8).default(2).describe('Spaces per indentation level in the output'),
  }),
  async execute({ input, direction, indent }) {
    if (direction === 'json_to_yaml') return { output: toYaml(parseJsonText(input), { indent }) };
    let value: unknown;
    try {
      value = parseYaml(input);
    } catch (error) {
      if (error instanceof ToolError) throw error;
      throw new ToolError(`Cannot convert this YAML: ${error instanceof Error ? error.message : String(error)}`);
    }
    return { output: JSON.stringify(value, null, indent) ?? 'null' };
  },
});

/** Makes header names unique ("id", "id" -> "id", "id_2") so no column overwrites another. */
function uniqueFields(header: string[]): string[] {
  const seen = new Map<string, number>();
  return header.map((field) => {
    const count = (seen.get(field) ?? 0) + 1;
    seen.set(field, count);
    return count === 1 ? field : `${field}_${count}`;
  });
}

function csvToJson(input: string, options: { delimiter: string; header: boolean; dynamicTyping: boolean }) {
  // Parsed as arrays and turned into objects here, with own properties only: a "__proto__" header stays a column.
  const parsed = Papa.parse<unknown[]>(input, { delimiter: options.delimiter, skipEmptyLines: 'greedy', dynamicTyping: options.dynamicTyping });
  const errors = parsed.errors.slice(0, 20).map((error) => ({ row: error.row ?? null, message: error.message }));
  if (!options.header) return { rows: parsed.data, fields: null, rowCount: parsed.data.length, delimiter: parsed.meta.delimiter, errors };
  const [header = [], ...records] = parsed.data;
  const fields = uniqueFields(header.map((field) => String(field ?? '')));
  records.forEach((record, index) => {
    if (record.length !== fields.length && errors.length < 20) {
      errors.push({ row: index + 1, message: `Row ${index + 1} has ${record.length} fields, the header has ${fields.length}` });
    }
  });
  const rows = records.map((record) => Object.fromEntries(fields.map((field, index) => [field, record[index] ?? null])));
  return { rows, fields, rowCount: rows.length, delimiter: parsed.meta.delimiter, errors };
}

function cell(value: unknown): unknown {
  return value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
}

function jsonToCsv(input: string, options: { delimiter: string; header: boolean }) {
  const data = parseJsonText(input);
  if (!Array.isArray(data)) throw new ToolError('For json_to_csv the JSON must be an array of objects or of arrays');
  const delimiter = options.delimiter || ',';
  if (data.every((row) => Array.isArray(row))) {
    return { csv: Papa.unparse(data.map((row: unknown[]) => row.map(cell)), { delimiter }), rowCount: data.length, columns: null };
  }
  if (!data.every((row) => row !== null && typeof row === 'object' && !Array.isArray(row))) {
    throw new ToolError('For json_to_csv every item must be an object (or every item an array)');
  }
  const columns = [...new Set(data.flatMap((row: Record<string, unknown>) => Object.keys(row)))];
  const rows = data.map((row: Record<string, unknown>) => columns.map((column) => (Object.hasOwn(row, column) ? cell(row[column]) : null)));
  const csv = Papa.unparse({ fields: options.header ? columns : [], data: rows }, { delimiter, header: options.header });
  return { csv, rowCount: rows.length, columns };
}

const csvJsonConvert = defineTool({
  name: 'csv_json_convert',
  category: 'data',
  description:
    'Converts CSV to JSON rows or JSON to CSV. csv_to_json returns objects keyed by the header row (or arrays ' +
    'without a header), auto-detects the delimiter unless given, and lists malformed rows. json_to_csv takes a JSON ' +
    'array of objects (columns are the union of their keys) or of arrays; nested values are written as JSON.',
  inputSchema: z.object({
    input: z.string().max(MAX_DOCUMENT_LENGTH).describe('The CSV text, or the JSON text of an array'),
    direction: z.enum(['csv_to_json', 'json_to_csv']).describe('Which way to convert'),
    delimiter: z.string().max(1).default('').describe('Field delimiter such as "," ";" "|" or "\\t"; empty = auto-detect (csv_to_json) or ","'),
    header: z.boolean().default(true).describe('Whether the first CSV row names the columns (csv_to_json) or a header row is written (json_to_csv)'),
    dynamicTyping: z.boolean().default(false).describe('csv_to_json: turn numbers and true/false into JSON numbers and booleans'),
  }),
  async execute({ input, direction, ...options }) {
    return direction === 'csv_to_json' ? csvToJson(input, options) : jsonToCsv(input, options);
  },
});

const jsonFormat = defineTool({
  name: 'json_format',
  category: 'data',
  description:
    'Validates, pretty-prints or minifies JSON text. Invalid JSON is reported with line, column and position and a ' +
    'hint (single quotes, trailing comma, comments ...). Formatting keeps every number and string exactly as written.',
  inputSchema: z.object({
    input: z.string().max(MAX_DOCUMENT_LENGTH).describe('The JSON text'),
    operation: z.enum(['validate', 'pretty', 'minify']).default('pretty').describe('What to do'),
    indent: z.union([z.number().int().min(1).max(8), z.literal('tab')]).default(2).describe('For pretty: spaces per level, or "tab"'),
  }),
  async execute({ input, operation, indent }) {
    let tokens;
    try {
      tokens = scanJson(input);
    } catch (error) {
      if (operation !== 'validate' || !(error instanceof JsonSyntaxError)) throw error;
      return { valid: false, error: { message: error.reason, line: error.line, column: error.column, position: error.position } };
    }
    if (operation === 'validate') {
      const first = tokens[0]!;
      const type = first.kind === '{' ? 'object' : first.kind === '[' ? 'array' : first.text.startsWith('"') ? 'string' : first.text === 'null' ? 'null' : /^[tf]/.test(first.text) ? 'boolean' : 'number';
      return { valid: true, type };
    }
    return { output: formatJsonTokens(tokens, operation === 'minify' ? null : indent === 'tab' ? '\t' : ' '.repeat(indent)) };
  },
});

/** Builds the data tools (JSON, YAML, CSV, encodings, hashes, JWT, UUIDs) around a clock. */
export function createDataTools(clock: Clock): RegisteredTool[] {
  return [jsonPath, jsonYamlConvert, csvJsonConvert, jsonFormat, ...createEncodingTools(clock)];
}

/** The data tools on the machine clock. */
export const dataTools: RegisteredTool[] = createDataTools(systemClock);
