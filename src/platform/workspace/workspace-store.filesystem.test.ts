import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf } from '../../test-kit/rejection-of.js';
import { FilesystemWorkspaceStore } from './workspace-store.filesystem.js';
import type { UserWorkspace } from './workspace-store.js';
import { isWorkspaceError, type WorkspaceErrorReason } from './workspace.errors.js';

let temporaryDirectory: string;
let rootDirectory: string;
let outsideDirectory: string;
let userId: string;
let workspace: UserWorkspace;

beforeEach(async () => {
  temporaryDirectory = await mkdtemp(path.join(os.tmpdir(), 'workspace-test-'));
  rootDirectory = path.join(temporaryDirectory, 'workspaces');
  outsideDirectory = path.join(temporaryDirectory, 'outside');
  await mkdir(outsideDirectory);
  await writeFile(path.join(outsideDirectory, 'secret.txt'), 'top secret');
  userId = randomUUID();
  workspace = new FilesystemWorkspaceStore({ rootDirectory }).forUser(userId);
});

afterEach(async () => {
  await rm(temporaryDirectory, { recursive: true, force: true });
});

async function expectReason(promise: Promise<unknown>, reason: WorkspaceErrorReason): Promise<void> {
  const error = await rejectionOf(promise);
  expect(isWorkspaceError(error) ? error.reason : error).toBe(reason);
}

function userFolder(): string {
  return path.join(rootDirectory, userId);
}

describe('FilesystemWorkspaceStore: files', () => {
  it('writes text into new parent folders and reads it back', async () => {
    const entry = await workspace.write('notes/2024/待办.md', '# 你好\n');
    expect(entry).toMatchObject({ path: 'notes/2024/待办.md', name: '待办.md', kind: 'file', size: 9 });
    expect(entry.modifiedAt).toBeInstanceOf(Date);
    expect((await workspace.read('notes/2024/待办.md')).toString('utf8')).toBe('# 你好\n');
    expect(await readFile(path.join(userFolder(), 'notes', '2024', '待办.md'), 'utf8')).toBe('# 你好\n');
  });

  it('writes bytes unchanged', async () => {
    const bytes = new Uint8Array([0, 255, 1, 254]);
    await workspace.write('data.bin', bytes);
    expect([...(await workspace.read('data.bin'))]).toEqual([0, 255, 1, 254]);
  });

  it('overwrites by default, appends on request, and refuses to create over an existing file', async () => {
    await workspace.write('log.txt', 'one\n');
    await workspace.write('log.txt', 'two\n', { mode: 'append' });
    expect((await workspace.read('log.txt')).toString()).toBe('one\ntwo\n');
    await expectReason(workspace.write('log.txt', 'three', { mode: 'create' }), 'already_exists');
    expect((await workspace.read('log.txt')).toString()).toBe('one\ntwo\n');
    await workspace.write('log.txt', 'fresh');
    expect((await workspace.read('log.txt')).toString()).toBe('fresh');
    await workspace.write('new.txt', 'made', { mode: 'create' });
    await workspace.write('appended.txt', 'made', { mode: 'append' });
    expect((await workspace.read('appended.txt')).toString()).toBe('made');
  });

  it('tells files and folders apart', async () => {
    await workspace.write('folder/file.txt', 'x');
    await expectReason(workspace.write('folder', 'x'), 'is_directory');
    await expectReason(workspace.read('folder'), 'is_directory');
    await expectReason(workspace.write('folder/file.txt/child.txt', 'x'), 'not_directory');
    await expectReason(workspace.list('folder/file.txt'), 'not_directory');
    await expectReason(workspace.write('', 'x'), 'is_directory');
  });

  it('reports missing files as not_found', async () => {
    await expectReason(workspace.read('missing.txt'), 'not_found');
    await expectReason(workspace.stat('missing/deeper.txt'), 'not_found');
    await expectReason(workspace.list('missing'), 'not_found');
    await expectReason(workspace.delete('missing.txt'), 'not_found');
  });

  it('refuses to read more than maxBytes', async () => {
    await workspace.write('big.txt', 'x'.repeat(100));
    await expectReason(workspace.read('big.txt', { maxBytes: 99 }), 'too_large');
    expect((await workspace.read('big.txt', { maxBytes: 100 })).length).toBe(100);
  });

  it('keeps users apart', async () => {
    const store = new FilesystemWorkspaceStore({ rootDirectory });
    await store.forUser('alice').write('mine.txt', 'alice');
    await expectReason(store.forUser('bob').read('mine.txt'), 'not_found');
    expect((await store.forUser('bob').list('')).entries).toEqual([]);
  });

  it('refuses user ids that are not plain identifiers', () => {
    const store = new FilesystemWorkspaceStore({ rootDirectory });
    for (const bad of ['', '..', '.staging', 'a/b', 'a\\b', 'x'.repeat(200)]) {
      expect(() => store.forUser(bad)).toThrow(/Invalid workspace user id/);
    }
  });
});

describe('FilesystemWorkspaceStore: paths that escape', () => {
  const corpus = ['../x', 'a/../../x', '../../outside/secret.txt', '/etc/passwd', 'a\0b', 'a\\..\\..\\x', 'a/../b'];

  it.each(corpus)('refuses %j in every operation and writes nothing', async (bad) => {
    await workspace.write('keep.txt', 'keep');
    await expectReason(workspace.write(bad, 'pwned'), 'invalid_path');
    await expectReason(workspace.read(bad), 'invalid_path');
    await expectReason(workspace.stat(bad), 'invalid_path');
    await expectReason(workspace.list(bad), 'invalid_path');
    await expectReason(workspace.delete(bad, { recursive: true }), 'invalid_path');
    await expectReason(workspace.move('keep.txt', bad), 'invalid_path');
    await expectReason(workspace.move(bad, 'stolen.txt'), 'invalid_path');
    expect((await workspace.list('', { recursive: true })).entries.map((entry) => entry.path)).toEqual(['keep.txt']);
    expect(await readdir(temporaryDirectory)).toEqual(['outside', 'workspaces']);
    expect(await readFile(path.join(outsideDirectory, 'secret.txt'), 'utf8')).toBe('top secret');
  });

  it('keeps "%2e%2e/x" literal: a folder named %2e%2e inside the workspace', async () => {
    await workspace.write('%2e%2e/x', 'literal');
    expect(existsSync(path.join(userFolder(), '%2e%2e', 'x'))).toBe(true);
    expect(existsSync(path.join(rootDirectory, 'x'))).toBe(false);
  });

  it('never follows a planted folder link out of the workspace', async () => {
    await workspace.write('ok.txt', 'ok');
    await symlink(outsideDirectory, path.join(userFolder(), 'link'));
    await expectReason(workspace.read('link/secret.txt'), 'invalid_path');
    await expectReason(workspace.write('link/planted.txt', 'x'), 'invalid_path');
    await expectReason(workspace.list('link'), 'invalid_path');
    await expectReason(workspace.delete('link', { recursive: true }), 'invalid_path');
    await expectReason(workspace.move('link/secret.txt', 'mine.txt'), 'invalid_path');
    await expectReason(workspace.move('ok.txt', 'link/ok.txt'), 'invalid_path');
    expect((await readdir(outsideDirectory)).sort()).toEqual(['secret.txt']);
    expect(await readFile(path.join(outsideDirectory, 'secret.txt'), 'utf8')).toBe('top secret');
  });

  it('never follows a planted file link, and leaves links out of listings and usage', async () => {
    await workspace.write('ok.txt', 'ok');
    await symlink(path.join(outsideDirectory, 'secret.txt'), path.join(userFolder(), 'leak.txt'));
    await expectReason(workspace.read('leak.txt'), 'invalid_path');
    await expectReason(workspace.write('leak.txt', 'overwritten'), 'invalid_path');
    await expectReason(workspace.write('leak.txt', 'more', { mode: 'append' }), 'invalid_path');
    expect(await readFile(path.join(outsideDirectory, 'secret.txt'), 'utf8')).toBe('top secret');
    expect((await workspace.list('')).entries.map((entry) => entry.name)).toEqual(['ok.txt']);
    expect((await workspace.usage()).usedBytes).toBe(2);
  });

  it('refuses a user folder that is itself a link', async () => {
    await mkdir(rootDirectory, { recursive: true });
    await symlink(outsideDirectory, userFolder());
    await expectReason(workspace.read('secret.txt'), 'invalid_path');
    await expectReason(workspace.list(''), 'invalid_path');
    await expectReason(workspace.write('planted.txt', 'x'), 'invalid_path');
    expect(await readdir(outsideDirectory)).toEqual(['secret.txt']);
  });
});

describe('FilesystemWorkspaceStore: quotas', () => {
  it('refuses a file over the size limit and writes nothing', async () => {
    const small = new FilesystemWorkspaceStore({ rootDirectory, maxFileBytes: 10 }).forUser(userId);
    await expectReason(small.write('big.txt', 'x'.repeat(11)), 'too_large');
    await expectReason(small.stat('big.txt'), 'not_found');
    await small.write('fits.txt', 'x'.repeat(10));
    await expectReason(small.write('fits.txt', 'y', { mode: 'append' }), 'too_large');
    expect((await small.read('fits.txt')).toString()).toBe('x'.repeat(10));
  });

  it('refuses writes past the total quota but allows replacing within it', async () => {
    const store = new FilesystemWorkspaceStore({ rootDirectory, maxTotalBytes: 100 });
    const limited = store.forUser(userId);
    await limited.write('a.txt', 'a'.repeat(60));
    const error = await rejectionOf(limited.write('b.txt', 'b'.repeat(41)));
    expect(isWorkspaceError(error, 'quota_exceeded')).toBe(true);
    expect((error as Error).message).toContain('only 40 are left');
    await expectReason(limited.stat('b.txt'), 'not_found');
    await limited.write('b.txt', 'b'.repeat(40));
    await limited.write('a.txt', 'c'.repeat(60));
    await expectReason(limited.write('b.txt', '!', { mode: 'append' }), 'quota_exceeded');
    expect(await limited.usage()).toEqual({ usedBytes: 100, maxFileBytes: store.limits.maxFileBytes, maxTotalBytes: 100 });
    await limited.delete('a.txt');
    await limited.write('b.txt', '!', { mode: 'append' });
    // Another user's quota is their own.
    await store.forUser('other').write('c.txt', 'c'.repeat(100));
  });

  it('keeps concurrent writes of one user within the quota', async () => {
    const limited = new FilesystemWorkspaceStore({ rootDirectory, maxTotalBytes: 100 }).forUser(userId);
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, index) => limited.write(`file-${index}.txt`, 'x'.repeat(40))),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(2);
    expect((await limited.usage()).usedBytes).toBe(80);
  });
});

describe('FilesystemWorkspaceStore: listing, deleting, moving', () => {
  beforeEach(async () => {
    await workspace.write('b.txt', 'bbb');
    await workspace.write('docs/a.md', 'a');
    await workspace.write('docs/sub/c.csv', 'c,c');
    await workspace.write('empty/.keep', '');
    await workspace.delete('empty/.keep');
  });

  it('lists one folder or the whole tree with sizes and kinds', async () => {
    const top = await workspace.list('');
    expect(top.entries.map((entry) => [entry.path, entry.kind, entry.size])).toEqual([
      ['b.txt', 'file', 3],
      ['docs', 'directory', 0],
      ['empty', 'directory', 0],
    ]);
    const tree = await workspace.list('.', { recursive: true });
    expect(tree.entries.map((entry) => entry.path)).toEqual(['b.txt', 'docs', 'docs/a.md', 'docs/sub', 'docs/sub/c.csv', 'empty']);
    expect(tree.truncated).toBe(false);
    expect((await workspace.list('docs/')).entries.map((entry) => entry.path)).toEqual(['docs/a.md', 'docs/sub']);
  });

  it('truncates a listing at the limit', async () => {
    const page = await workspace.list('', { recursive: true, limit: 2 });
    expect(page.entries.map((entry) => entry.path)).toEqual(['b.txt', 'docs']);
    expect(page.truncated).toBe(true);
  });

  it('does not show the staging folder or other users', async () => {
    await new FilesystemWorkspaceStore({ rootDirectory }).forUser('someone-else').write('x.txt', 'x');
    const tree = await workspace.list('', { recursive: true });
    expect(tree.entries.some((entry) => entry.path.includes('staging') || entry.path.includes('x.txt'))).toBe(false);
  });

  it('deletes files, empty folders, and full folders only when recursive', async () => {
    await workspace.delete('b.txt');
    await expectReason(workspace.stat('b.txt'), 'not_found');
    await workspace.delete('empty');
    await expectReason(workspace.delete('docs'), 'directory_not_empty');
    expect((await workspace.read('docs/sub/c.csv')).toString()).toBe('c,c');
    await workspace.delete('docs', { recursive: true });
    expect((await workspace.list('')).entries).toEqual([]);
    await expectReason(workspace.delete(''), 'invalid_path');
  });

  it('moves and renames, creating destination folders', async () => {
    const moved = await workspace.move('b.txt', 'archive/2024/b-renamed.txt');
    expect(moved).toMatchObject({ path: 'archive/2024/b-renamed.txt', size: 3, kind: 'file' });
    await expectReason(workspace.stat('b.txt'), 'not_found');
    const folder = await workspace.move('docs', 'documents');
    expect(folder.kind).toBe('directory');
    expect((await workspace.read('documents/sub/c.csv')).toString()).toBe('c,c');
  });

  it('refuses to move over an existing entry unless overwriting a file with a file', async () => {
    await expectReason(workspace.move('b.txt', 'docs/a.md'), 'already_exists');
    expect((await workspace.read('docs/a.md')).toString()).toBe('a');
    await expectReason(workspace.move('b.txt', 'docs', { overwrite: true }), 'already_exists');
    await workspace.move('b.txt', 'docs/a.md', { overwrite: true });
    expect((await workspace.read('docs/a.md')).toString()).toBe('bbb');
  });

  it('refuses to move a folder into itself and reports a missing source', async () => {
    await expectReason(workspace.move('docs', 'docs/sub/docs'), 'invalid_path');
    await expectReason(workspace.move('nothing.txt', 'else.txt'), 'not_found');
    await expectReason(workspace.move('', 'else'), 'invalid_path');
    expect((await workspace.move('docs', 'docs/')).path).toBe('docs');
  });
});
