import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf } from '../../test-kit/rejection-of.js';
import { resolveInside, totalBytes, translateFilesystemError, walkTree } from './filesystem-paths.js';
import { isWorkspaceError } from './workspace.errors.js';

let temporaryDirectory: string;
let userRoot: string;

beforeEach(async () => {
  temporaryDirectory = await mkdtemp(path.join(os.tmpdir(), 'filesystem-paths-test-'));
  userRoot = path.join(temporaryDirectory, 'user');
  await mkdir(path.join(userRoot, 'folder'), { recursive: true });
  await writeFile(path.join(userRoot, 'folder', 'a.txt'), 'aaa');
  await writeFile(path.join(userRoot, 'b.txt'), 'bb');
});

afterEach(async () => {
  await rm(temporaryDirectory, { recursive: true, force: true });
});

describe('resolveInside', () => {
  it('returns the absolute path and the stats, or null stats for what does not exist yet', async () => {
    const existing = await resolveInside(userRoot, ['folder', 'a.txt'], 'folder/a.txt');
    expect(existing.absolute).toBe(path.join(userRoot, 'folder', 'a.txt'));
    expect(existing.stats?.size).toBe(3);
    const missing = await resolveInside(userRoot, ['new', 'deeper', 'c.txt'], 'new/deeper/c.txt');
    expect(missing).toEqual({ absolute: path.join(userRoot, 'new', 'deeper', 'c.txt'), stats: null });
  });

  it('refuses a file in the middle of the path as not_directory', async () => {
    const error = await rejectionOf(resolveInside(userRoot, ['b.txt', 'x'], 'b.txt/x'));
    expect(isWorkspaceError(error, 'not_directory')).toBe(true);
  });

  it('refuses a folder whose real path is elsewhere, even when no segment is a link', async () => {
    // The user folder is reached through a linked ancestor: every lstat below it sees real folders.
    const alias = path.join(temporaryDirectory, 'alias');
    await symlink(temporaryDirectory, alias);
    const error = await rejectionOf(resolveInside(path.join(alias, 'user'), ['folder', 'a.txt'], 'folder/a.txt'));
    expect(isWorkspaceError(error, 'invalid_path')).toBe(true);
    expect((error as Error).message).toContain('outside the workspace');
  });
});

describe('walkTree and totalBytes', () => {
  it('visits folders before their contents, names sorted, and skips links', async () => {
    await symlink(path.join(userRoot, 'b.txt'), path.join(userRoot, 'a-link'));
    const visited: string[] = [];
    await walkTree(userRoot, ({ relative }) => visited.push(relative.join('/')) > 0, { recursive: true });
    expect(visited).toEqual(['b.txt', 'folder', 'folder/a.txt']);
    expect(await totalBytes(userRoot)).toBe(5);
    expect(await totalBytes(path.join(temporaryDirectory, 'missing'))).toBe(0);
  });

  it('stops when the visitor returns false', async () => {
    const visited: string[] = [];
    const finished = await walkTree(
      userRoot,
      ({ relative }) => {
        visited.push(relative.join('/'));
        return false;
      },
      { recursive: true },
    );
    expect(finished).toBe(false);
    expect(visited).toEqual(['b.txt']);
  });
});

describe('translateFilesystemError', () => {
  it('maps the errno codes met in races and passes others through', () => {
    const errno = (code: string) => Object.assign(new Error(code), { code });
    expect((translateFilesystemError(errno('ENOENT'), 'x') as { reason: string }).reason).toBe('not_found');
    expect((translateFilesystemError(errno('ELOOP'), 'x') as { reason: string }).reason).toBe('invalid_path');
    expect((translateFilesystemError(errno('EEXIST'), 'x') as { reason: string }).reason).toBe('already_exists');
    const other = errno('EACCES');
    expect(translateFilesystemError(other, 'x')).toBe(other);
  });
});
