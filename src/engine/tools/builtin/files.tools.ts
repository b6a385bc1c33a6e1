import { z } from 'zod';
import { isDocumentError } from '../../../platform/documents/documents.errors.js';
import type { ExtractedDocument, TextExtractor } from '../../../platform/documents/extracted-document.js';
import { isWorkspaceError } from '../../../platform/workspace/workspace.errors.js';
import type { UserWorkspace, WorkspaceEntry, WorkspaceStore } from '../../../platform/workspace/workspace-store.js';
import { defineTool, ToolError, type ToolContext } from '../tool.js';
import type { RegisteredTool } from '../tool-registry.js';

/** What the file tools need: the users' workspaces and a document text extractor. */
export interface FileToolsDependencies {
  workspace: WorkspaceStore;
  extract: TextExtractor;
}

const MAX_READ_CHARACTERS = 100_000;
const MAX_WRITE_CHARACTERS = 5_000_000;

const pathField = z
  .string()
  .min(1)
  .max(1024)
  .describe('Path of the file inside your workspace, relative and with "/" between folders, e.g. "notes/plan.md".');
const offsetField = z.number().int().min(0).default(0).describe('Character to start from (0 = the beginning).');
const maxCharactersField = z
  .number()
  .int()
  .min(1)
  .max(MAX_READ_CHARACTERS)
  .default(20_000)
  .describe(`Most characters to return (at most ${MAX_READ_CHARACTERS}); continue from nextOffset for more.`);

/** Runs `action`, turning workspace and document failures into errors the model can act on. */
async function asTool<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (isWorkspaceError(error) || isDocumentError(error)) throw new ToolError(error.message, error.code);
    throw error;
  }
}

/** A window of `text`, never cutting a surrogate pair (an emoji, a rare CJK character) in half. */
function textWindow(text: string, offset: number, maxCharacters: number) {
  let end = Math.min(offset + maxCharacters, text.length);
  if (end < text.length && /[\ud800-\udbff]/.test(text.charAt(end - 1))) end -= 1;
  const start = Math.min(offset, text.length);
  return {
    text: text.slice(start, end),
    offset: start,
    totalCharacters: text.length,
    nextOffset: end < text.length ? end : null,
    truncated: end < text.length,
  };
}

function describeEntry(entry: WorkspaceEntry) {
  return { path: entry.path, type: entry.kind, size: entry.size, modifiedAt: entry.modifiedAt.toISOString() };
}

function workspaceOf(dependencies: FileToolsDependencies, context: ToolContext): UserWorkspace {
  return dependencies.workspace.forUser(context.userId);
}

/** Reads a workspace file and extracts it, refusing any format but `expected`. */
async function extractFile(
  dependencies: FileToolsDependencies,
  request: { path: string; fileName: string | undefined; context: ToolContext; expected: ExtractedDocument['format']; tool: string },
): Promise<ExtractedDocument> {
  const workspace = workspaceOf(dependencies, request.context);
  const bytes = await workspace.read(request.path);
  const document = await dependencies.extract(
    { bytes, fileName: request.fileName, mimeType: request.expected === 'csv' ? 'text/csv' : undefined },
    { signal: request.context.signal },
  );
  if (document.format !== request.expected) {
    const suggestion = { pdf: 'parse_pdf', docx: 'parse_docx', csv: 'parse_csv' }[document.format as string] ?? 'file_read';
    throw new ToolError(
      `${request.tool} reads ${request.expected.toUpperCase()} files, but "${request.path}" is ${document.format}; use ${suggestion}`,
      'FILE_WRONG_FORMAT',
    );
  }
  return document;
}

function binaryHint(bytes: Buffer): string {
  if (bytes.subarray(0, 1024).includes('%PDF-')) return 'it is a PDF; use parse_pdf';
  if (bytes.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) return 'it is a ZIP package such as a .docx; use parse_docx';
  return 'file_read only reads text files';
}

function decodeForReading(bytes: Buffer, path: string): string {
  try {
    if (bytes.subarray(0, 8192).includes(0)) throw new Error('NUL byte');
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ToolError(`"${path}" is not a UTF-8 text file: ${binaryHint(bytes)}`, 'FILE_NOT_TEXT');
  }
}

function readTool(dependencies: FileToolsDependencies) {
  return defineTool({
    name: 'file_read',
    category: 'files',
    description:
      'Reads a UTF-8 text file (.txt, .md, .json, .csv, code ...) from your workspace and returns its content. Long ' +
      'files come in windows: when truncated is true, call again with offset = nextOffset. For PDF, Word or CSV ' +
      'files prefer parse_pdf, parse_docx or parse_csv.',
    inputSchema: z.object({ path: pathField, offset: offsetField, maxCharacters: maxCharactersField }),
    execute: (input, context) =>
      asTool(async () => {
        const bytes = await workspaceOf(dependencies, context).read(input.path);
        const window = textWindow(decodeForReading(bytes, input.path), input.offset, input.maxCharacters);
        return { path: input.path, size: bytes.length, ...window };
      }),
  });
}

function writeTool(dependencies: FileToolsDependencies) {
  return defineTool({
    name: 'file_write',
    category: 'files',
    description:
      'Writes text to a file in your workspace, creating missing folders. mode "overwrite" (default) replaces the ' +
      'file, "create" fails if it already exists, "append" adds to its end. Files and the workspace have size limits.',
    inputSchema: z.object({
      path: pathField,
      content: z.string().max(MAX_WRITE_CHARACTERS).describe('The text to write (UTF-8).'),
      mode: z
        .enum(['overwrite', 'create', 'append'])
        .default('overwrite')
        .describe('overwrite: replace; create: only if the file does not exist; append: add to the end.'),
    }),
    execute: (input, context) =>
      asTool(async () => {
        const entry = await workspaceOf(dependencies, context).write(input.path, input.content, { mode: input.mode });
        return { ...describeEntry(entry), mode: input.mode, bytesWritten: Buffer.byteLength(input.content, 'utf8') };
      }),
  });
}

function listTool(dependencies: FileToolsDependencies) {
  return defineTool({
    name: 'file_list',
    category: 'files',
    description:
      'Lists the files and folders of a folder in your workspace with their sizes in bytes and modification times. ' +
      'Use path "" for the top of the workspace and recursive true to include sub-folders.',
    inputSchema: z.object({
      path: z.string().max(1024).default('').describe('Folder to list, relative to the workspace; "" for the top.'),
      recursive: z.boolean().default(false).describe('Also list everything inside sub-folders.'),
      limit: z.number().int().min(1).max(1000).default(200).describe('Most entries to return (at most 1000).'),
    }),
    execute: (input, context) =>
      asTool(async () => {
        const workspace = workspaceOf(dependencies, context);
        const listing = await workspace.list(input.path, { recursive: input.recursive, limit: input.limit });
        const usage = await workspace.usage();
        return {
          path: input.path,
          entries: listing.entries.map(describeEntry),
          truncated: listing.truncated,
          usedBytes: usage.usedBytes,
          quotaBytes: usage.maxTotalBytes,
        };
      }),
  });
}

function deleteTool(dependencies: FileToolsDependencies) {
  return defineTool({
    name: 'file_delete',
    category: 'files',
    description:
      'Deletes a file or a folder from your workspace. A folder that still holds files is only deleted with ' +
      'recursive true, which removes everything inside it. This cannot be undone.',
    inputSchema: z.object({
      path: pathField,
      recursive: z.boolean().default(false).describe('Delete a folder together with everything in it.'),
    }),
    execute: (input, context) =>
      asTool(async () => {
        await workspaceOf(dependencies, context).delete(input.path, { recursive: input.recursive });
        return { path: input.path, deleted: true };
      }),
  });
}

/** Up to `maxPages` pages from `fromPage` on, within a budget of characters; a page cut short says so. */
function pageWindow(pageTexts: string[], limits: { fromPage: number; maxPages: number; maxCharacters: number }) {
  const pages: { page: number; text: string; cut: boolean }[] = [];
  let budget = limits.maxCharacters;
  for (let index = limits.fromPage - 1; index < pageTexts.length && pages.length < limits.maxPages && budget > 0; index++) {
    const full = pageTexts[index]!;
    const text = full.slice(0, budget);
    budget -= text.length;
    pages.push({ page: index + 1, text, cut: text.length < full.length });
  }
  const lastPage = limits.fromPage + pages.length - 1;
  const more = lastPage < pageTexts.length;
  return { pages, truncated: more || pages.some((page) => page.cut), nextPage: more ? lastPage + 1 : null };
}

function parsePdfTool(dependencies: FileToolsDependencies) {
  return defineTool({
    name: 'parse_pdf',
    category: 'files',
    description:
      'Extracts the text of a PDF in your workspace, page by page. Returns at most maxPages pages from fromPage on; ' +
      'when truncated is true, call again with fromPage = nextPage (a page with cut true was shortened to fit ' +
      'maxCharacters). Scanned PDFs without a text layer return empty pages.',
    inputSchema: z.object({
      path: pathField,
      fromPage: z.number().int().min(1).default(1).describe('First page to return, counting from 1.'),
      maxPages: z.number().int().min(1).max(50).default(10).describe('Most pages to return (at most 50).'),
      maxCharacters: maxCharactersField,
    }),
    execute: (input, context) =>
      asTool(async () => {
        const request = { path: input.path, fileName: input.path, context, expected: 'pdf', tool: 'parse_pdf' } as const;
        const document = await extractFile(dependencies, request);
        const pageTexts = document.pageTexts ?? [];
        if (input.fromPage > pageTexts.length) {
          const message = `"${input.path}" has ${pageTexts.length} pages; fromPage ${input.fromPage} is past the end`;
          throw new ToolError(message, 'FILE_PAGE_OUT_OF_RANGE');
        }
        const window = pageWindow(pageTexts, input);
        const empty = window.pages.every((page) => page.text === '');
        return {
          path: input.path,
          totalPages: pageTexts.length,
          title: document.metadata.title ?? null,
          ...window,
          ...(empty ? { note: 'No text found on these pages; the PDF may be scanned images.' } : {}),
        };
      }),
  });
}

function parseDocxTool(dependencies: FileToolsDependencies) {
  return defineTool({
    name: 'parse_docx',
    category: 'files',
    description:
      'Extracts the text and the headings of a Word document (.docx) in your workspace. Long documents come in ' +
      'windows: when truncated is true, call again with offset = nextOffset.',
    inputSchema: z.object({ path: pathField, offset: offsetField, maxCharacters: maxCharactersField }),
    execute: (input, context) =>
      asTool(async () => {
        const request = { path: input.path, fileName: input.path, context, expected: 'docx', tool: 'parse_docx' } as const;
        const document = await extractFile(dependencies, request);
        return { path: input.path, headings: document.headings ?? [], ...textWindow(document.text, input.offset, input.maxCharacters) };
      }),
  });
}

function parseCsvTool(dependencies: FileToolsDependencies) {
  return defineTool({
    name: 'parse_csv',
    category: 'files',
    description:
      'Parses a CSV or TSV file in your workspace (the delimiter is detected) and returns its rows as arrays of cells. ' +
      'With header true the first row is returned as columns. Returns at most maxRows rows from fromRow on; when ' +
      'truncated is true, call again with fromRow = nextRow.',
    inputSchema: z.object({
      path: pathField,
      header: z.boolean().default(true).describe('Treat the first row as column names.'),
      fromRow: z.number().int().min(0).default(0).describe('First data row to return, counting from 0 (after the header).'),
      maxRows: z.number().int().min(1).max(1000).default(100).describe('Most rows to return (at most 1000).'),
    }),
    execute: (input, context) =>
      asTool(async () => {
        // Without a .csv/.tsv name the MIME hint decides, so "data.txt" can still be parsed as CSV.
        const fileName = /\.(csv|tsv)$/i.test(input.path) ? input.path : undefined;
        const request = { path: input.path, fileName, context, expected: 'csv', tool: 'parse_csv' } as const;
        const document = await extractFile(dependencies, request);
        const allRows = document.rows ?? [];
        const columns = input.header ? (allRows[0] ?? []) : null;
        const dataRows = input.header ? allRows.slice(1) : allRows;
        const rows = dataRows.slice(input.fromRow, input.fromRow + input.maxRows);
        const end = input.fromRow + rows.length;
        return {
          path: input.path,
          columns,
          rows,
          totalRows: dataRows.length,
          fromRow: input.fromRow,
          truncated: end < dataRows.length,
          nextRow: end < dataRows.length ? end : null,
        };
      }),
  });
}

/** The workspace file tools (category `files`): read, write, list and delete files, and parse PDF, DOCX and CSV. */
export function fileTools(dependencies: FileToolsDependencies): RegisteredTool[] {
  return [
    readTool(dependencies),
    writeTool(dependencies),
    listTool(dependencies),
    deleteTool(dependencies),
    parsePdfTool(dependencies),
    parseDocxTool(dependencies),
    parseCsvTool(dependencies),
  ];
}
