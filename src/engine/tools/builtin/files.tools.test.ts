import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z, ZodError } from 'zod';
import { extractText } from '../../../platform/documents/extract-text.js';
import { FilesystemWorkspaceStore } from '../../../platform/workspace/workspace-store.filesystem.js';
import {
  corruptPdfFixture,
  csvFixture,
  docxFixture,
  pdfFixture,
} from '../../../test-kit/document-fixtures.js';
import { ToolError, type ToolContext } from '../tool.js';
import type { RegisteredTool } from '../tool-registry.js';
import { fileTools } from './files.tools.js';

type Output = Record<string, unknown>;

let temporaryDirectory: string;
let store: FilesystemWorkspaceStore;
let tools: RegisteredTool[];
let userId: string;

beforeEach(async () => {
  temporaryDirectory = await mkdtemp(path.join(os.tmpdir(), 'file-tools-test-'));
  store = new FilesystemWorkspaceStore({ rootDirectory: path.join(temporaryDirectory, 'workspaces') });
  tools = fileTools({ workspace: store, extract: extractText });
  userId = randomUUID();
});

afterEach(async () => {
  await rm(temporaryDirectory, { recursive: true, force: true });
});

function contextFor(user: string): ToolContext {
  return { userId: user, agentId: null, runId: null, signal: new AbortController().signal };
}

async function run<T = Output>(name: string, input: unknown, user = userId): Promise<T> {
  const tool = tools.find((candidate) => candidate.name === name);
  if (!tool) throw new Error(`No tool named ${name}`);
  return (await tool.execute(tool.inputSchema.parse(input), contextFor(user))) as T;
}

async function failure(name: string, input: unknown): Promise<ToolError> {
  try {
    await run(name, input);
  } catch (error) {
    if (error instanceof ToolError) return error;
    throw error;
  }
  throw new Error(`${name} succeeded with ${JSON.stringify(input)}`);
}

describe('fileTools: catalogue', () => {
  it('offers seven tools in the files category with described JSON Schema inputs', () => {
    expect(tools.map((tool) => tool.name)).toEqual([
      'file_read',
      'file_write',
      'file_list',
      'file_delete',
      'parse_pdf',
      'parse_docx',
      'parse_csv',
    ]);
    for (const tool of tools) {
      expect(tool.category).toBe('files');
      const schema = z.toJSONSchema(tool.inputSchema) as { type: string; properties: Record<string, { description?: string }> };
      expect(schema.type).toBe('object');
      for (const [field, property] of Object.entries(schema.properties)) {
        expect(property.description, `${tool.name}.${field}`).toBeTruthy();
      }
    }
  });

  it('rejects out-of-range input at the schema', async () => {
    await expect(run('parse_pdf', { path: 'a.pdf', maxPages: 51 })).rejects.toThrow(ZodError);
    await expect(run('file_read', { path: '' })).rejects.toThrow(ZodError);
    await expect(run('file_write', { path: 'a.txt', content: 'x', mode: 'truncate' })).rejects.toThrow(ZodError);
  });
});

describe('file_write, file_read, file_list, file_delete', () => {
  it('writes, appends and reads back text with Chinese', async () => {
    const written = await run('file_write', { path: 'notes/日记.md', content: '# 第一天\n' });
    expect(written).toMatchObject({ path: 'notes/日记.md', type: 'file', size: 12, mode: 'overwrite', bytesWritten: 12 });
    await run('file_write', { path: 'notes/日记.md', content: 'more', mode: 'append' });
    const read = await run('file_read', { path: 'notes/日记.md' });
    expect(read).toMatchObject({ text: '# 第一天\nmore', offset: 0, totalCharacters: 10, nextOffset: null, truncated: false, size: 16 });
  });

  it('reads long files in windows without splitting a surrogate pair', async () => {
    await run('file_write', { path: 'long.txt', content: 'abc😀def' });
    const first = await run('file_read', { path: 'long.txt', maxCharacters: 4 });
    expect(first).toMatchObject({ text: 'abc', nextOffset: 3, truncated: true, totalCharacters: 8 });
    const second = await run('file_read', { path: 'long.txt', offset: 3, maxCharacters: 10 });
    expect(second).toMatchObject({ text: '😀def', nextOffset: null, truncated: false });
    expect(await run('file_read', { path: 'long.txt', offset: 100 })).toMatchObject({ text: '', nextOffset: null });
  });

  it('refuses to overwrite in create mode and leaves the file as it was', async () => {
    await run('file_write', { path: 'a.txt', content: 'original' });
    const error = await failure('file_write', { path: 'a.txt', content: 'new', mode: 'create' });
    expect(error.code).toBe('WORKSPACE_ALREADY_EXISTS');
    expect((await run('file_read', { path: 'a.txt' })).text).toBe('original');
  });

  it('turns escaping paths into tool errors and writes nothing outside', async () => {
    for (const bad of ['../escape.txt', 'a/../../escape.txt', '/etc/passwd', 'a\0b']) {
      const error = await failure('file_write', { path: bad, content: 'x' });
      expect(error.code).toBe('WORKSPACE_INVALID_PATH');
    }
    // The paths are refused before anything touches the disk: not even the workspace root exists.
    expect(await readdir(temporaryDirectory)).toEqual([]);
  });

  it('explains missing and binary files', async () => {
    const missing = await failure('file_read', { path: 'nope.txt' });
    expect(missing.code).toBe('WORKSPACE_NOT_FOUND');
    expect(missing.message).toContain('nope.txt');
    await store.forUser(userId).write('report.pdf', pdfFixture([['x']]));
    const binary = await failure('file_read', { path: 'report.pdf' });
    expect(binary.code).toBe('FILE_NOT_TEXT');
    expect(binary.message).toContain('parse_pdf');
    await store.forUser(userId).write('doc.docx', docxFixture(['x']));
    expect((await failure('file_read', { path: 'doc.docx' })).message).toContain('parse_docx');
  });

  it('lists folders with sizes, times and the quota', async () => {
    await run('file_write', { path: 'b.txt', content: 'bb' });
    await run('file_write', { path: 'dir/a.txt', content: 'a' });
    const top = await run<{ entries: Output[]; truncated: boolean; usedBytes: number; quotaBytes: number }>('file_list', {});
    expect(top.entries.map((entry) => [entry.path, entry.type, entry.size])).toEqual([
      ['b.txt', 'file', 2],
      ['dir', 'directory', 0],
    ]);
    expect(Number.isNaN(Date.parse(top.entries[0]!.modifiedAt as string))).toBe(false);
    expect(top).toMatchObject({ truncated: false, usedBytes: 3, quotaBytes: store.limits.maxTotalBytes });
    const tree = await run<{ entries: Output[]; truncated: boolean }>('file_list', { recursive: true, limit: 2 });
    expect(tree.entries.map((entry) => entry.path)).toEqual(['b.txt', 'dir']);
    expect(tree.truncated).toBe(true);
  });

  it('deletes files, and folders with content only when recursive', async () => {
    await run('file_write', { path: 'dir/a.txt', content: 'a' });
    expect((await failure('file_delete', { path: 'dir' })).code).toBe('WORKSPACE_DIRECTORY_NOT_EMPTY');
    expect((await run('file_read', { path: 'dir/a.txt' })).text).toBe('a');
    expect(await run('file_delete', { path: 'dir', recursive: true })).toEqual({ path: 'dir', deleted: true });
    expect((await run<{ entries: unknown[] }>('file_list', {})).entries).toEqual([]);
  });

  it('keeps each user in their own workspace', async () => {
    await run('file_write', { path: 'private.txt', content: 'mine' });
    const other = randomUUID();
    await expect(run('file_read', { path: 'private.txt' }, other)).rejects.toThrow(/No file or folder/);
    expect((await run<{ entries: unknown[] }>('file_list', {}, other)).entries).toEqual([]);
  });

  it('reports the size limits as tool errors', async () => {
    const small = new FilesystemWorkspaceStore({ rootDirectory: path.join(temporaryDirectory, 'small'), maxFileBytes: 5, maxTotalBytes: 8 });
    tools = fileTools({ workspace: small, extract: extractText });
    expect((await failure('file_write', { path: 'a.txt', content: '123456' })).code).toBe('WORKSPACE_TOO_LARGE');
    await run('file_write', { path: 'a.txt', content: '12345' });
    expect((await failure('file_write', { path: 'b.txt', content: '1234' })).code).toBe('WORKSPACE_QUOTA_EXCEEDED');
  });
});

describe('parse_pdf, parse_docx, parse_csv', () => {
  beforeEach(async () => {
    const workspace = store.forUser(userId);
    await workspace.write('book.pdf', pdfFixture([['Chapter one', 'It begins'], ['Chapter two'], ['Chapter three', 'The end']], { title: 'Book' }));
    await workspace.write('broken.pdf', corruptPdfFixture());
    await workspace.write('报告.docx', docxFixture([{ heading: 1, text: '概述' }, '正文内容在这里。', { heading: 2, text: 'Next' }, 'More']));
    await workspace.write('cities.csv', csvFixture([['city', 'country'], ['北京', '中国'], ['Paris', 'France'], ['Lima', 'Peru']]));
  });

  it('returns PDF pages in windows', async () => {
    const all = await run('parse_pdf', { path: 'book.pdf' });
    expect(all).toMatchObject({ totalPages: 3, title: 'Book', truncated: false, nextPage: null });
    expect(all.pages).toEqual([
      { page: 1, text: 'Chapter one\nIt begins', cut: false },
      { page: 2, text: 'Chapter two', cut: false },
      { page: 3, text: 'Chapter three\nThe end', cut: false },
    ]);
    const middle = await run('parse_pdf', { path: 'book.pdf', fromPage: 2, maxPages: 1 });
    expect(middle).toMatchObject({ pages: [{ page: 2, text: 'Chapter two', cut: false }], truncated: true, nextPage: 3 });
    const short = await run('parse_pdf', { path: 'book.pdf', maxCharacters: 15 });
    expect(short).toMatchObject({ pages: [{ page: 1, text: 'Chapter one\nIt ', cut: true }], truncated: true, nextPage: 2 });
  });

  it('refuses a page past the end, a corrupt PDF and a file of another format', async () => {
    expect((await failure('parse_pdf', { path: 'book.pdf', fromPage: 4 })).code).toBe('FILE_PAGE_OUT_OF_RANGE');
    expect((await failure('parse_pdf', { path: 'broken.pdf' })).code).toBe('DOCUMENT_CORRUPT');
    const wrong = await failure('parse_pdf', { path: '报告.docx' });
    expect(wrong.code).toBe('FILE_WRONG_FORMAT');
    expect(wrong.message).toContain('use parse_docx');
    expect((await failure('parse_pdf', { path: 'missing.pdf' })).code).toBe('WORKSPACE_NOT_FOUND');
  });

  it('returns Word text with its headings, in windows', async () => {
    const document = await run('parse_docx', { path: '报告.docx' });
    expect(document).toMatchObject({
      text: '概述\n\n正文内容在这里。\n\nNext\n\nMore',
      headings: [
        { level: 1, text: '概述' },
        { level: 2, text: 'Next' },
      ],
      truncated: false,
    });
    const window = await run('parse_docx', { path: '报告.docx', offset: 4, maxCharacters: 8 });
    expect(window).toMatchObject({ text: '正文内容在这里。', nextOffset: 12, truncated: true });
    expect((await failure('parse_docx', { path: 'book.pdf' })).message).toContain('use parse_pdf');
  });

  it('returns CSV rows with columns, in pages', async () => {
    const table = await run('parse_csv', { path: 'cities.csv' });
    expect(table).toEqual({
      path: 'cities.csv',
      columns: ['city', 'country'],
      rows: [
        ['北京', '中国'],
        ['Paris', 'France'],
        ['Lima', 'Peru'],
      ],
      totalRows: 3,
      fromRow: 0,
      truncated: false,
      nextRow: null,
    });
    const page = await run('parse_csv', { path: 'cities.csv', fromRow: 1, maxRows: 1 });
    expect(page).toMatchObject({ rows: [['Paris', 'France']], truncated: true, nextRow: 2 });
    const raw = await run('parse_csv', { path: 'cities.csv', header: false, maxRows: 1 });
    expect(raw).toMatchObject({ columns: null, rows: [['city', 'country']], totalRows: 4 });
  });

  it('parses delimited text under another extension, and refuses binary files', async () => {
    await store.forUser(userId).write('export.txt', 'a;b\n1;2\n');
    expect(await run('parse_csv', { path: 'export.txt' })).toMatchObject({ columns: ['a', 'b'], rows: [['1', '2']] });
    expect((await failure('parse_csv', { path: 'book.pdf' })).code).toBe('FILE_WRONG_FORMAT');
  });
});
