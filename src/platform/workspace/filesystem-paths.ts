import { type Stats } from 'node:fs';
import { lstat, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import {
  invalidPath,
  pathAlreadyExists,
  pathIsDirectory,
  pathNotDirectory,
  pathNotFound,
  WorkspaceError,
} from './workspace.errors.js';

/** A workspace path resolved to the disk, checked to contain no symbolic link. */
export interface ResolvedPath {
  /** Absolute path on disk. */
  absolute: string;
  /** The entry's lstat, or null when nothing exists there yet. */
  stats: Stats | null;
}

/** The error code of a Node.js filesystem error, if it has one. */
export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Resolves `segments` under `userRoot` without ever following a symbolic link.
 * Steps: lstat each prefix from the root down; a symbolic link anywhere is refused; a file in
 * the middle is `not_directory`; the first missing prefix ends the walk (the rest does not exist
 * either). Then the real path of the deepest existing folder must be where the walk expected it,
 * a second check against links that appear between the lstat calls.
 */
export async function resolveInside(userRoot: string, segments: string[], displayPath: string): Promise<ResolvedPath> {
  const rootStats = await lstatOrNull(userRoot);
  if (rootStats?.isSymbolicLink()) throw invalidPath(displayPath, 'the workspace folder is a symbolic link');
  let current = userRoot;
  let stats: Stats | null = rootStats;
  let existingFolder = rootStats ? userRoot : null;
  for (let index = 0; index < segments.length && stats; index++) {
    if (!stats.isDirectory()) throw pathNotDirectory(segments.slice(0, index).join('/'));
    current = path.join(current, segments[index]!);
    stats = await lstatOrNull(current);
    if (stats?.isSymbolicLink()) throw invalidPath(displayPath, 'symbolic links are not allowed');
    if (stats?.isDirectory()) existingFolder = current;
  }
  if (existingFolder !== null) await assertRealPath(existingFolder, displayPath);
  return { absolute: path.join(userRoot, ...segments), stats };
}

async function assertRealPath(folder: string, displayPath: string): Promise<void> {
  let real: string;
  try {
    real = await realpath(folder);
  } catch (error) {
    throw translateFilesystemError(error, displayPath);
  }
  if (real !== folder) throw invalidPath(displayPath, 'the path leads outside the workspace');
}

async function lstatOrNull(absolute: string): Promise<Stats | null> {
  try {
    return await lstat(absolute);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    if (errorCode(error) === 'ENOTDIR') return null;
    throw error;
  }
}

/** Maps a filesystem error met half-way (a race, a link planted meanwhile) to a WorkspaceError. */
export function translateFilesystemError(error: unknown, displayPath: string): unknown {
  if (error instanceof WorkspaceError) return error;
  switch (errorCode(error)) {
    case 'ENOENT':
      return pathNotFound(displayPath);
    case 'ENOTDIR':
      return pathNotDirectory(displayPath);
    case 'EISDIR':
      return pathIsDirectory(displayPath);
    case 'EEXIST':
      return pathAlreadyExists(displayPath);
    case 'ELOOP':
      return invalidPath(displayPath, 'symbolic links are not allowed');
    case 'ENAMETOOLONG':
      return invalidPath(displayPath, 'the path is too long');
    default:
      return error;
  }
}

/** A regular file or folder met while walking a tree; symbolic links and devices are skipped. */
export interface WalkedEntry {
  /** Segments relative to the walk's start. */
  relative: string[];
  stats: Stats;
}

/**
 * Visits the tree under `folder` depth first, names sorted, folders before their contents;
 * `visit` returns false to stop. Symbolic links, sockets and devices are never visited or followed.
 */
export async function walkTree(
  folder: string,
  visit: (entry: WalkedEntry) => boolean,
  options: { recursive: boolean; relative?: string[] },
): Promise<boolean> {
  const relative = options.relative ?? [];
  const names = (await readdir(folder)).sort();
  for (const name of names) {
    const absolute = path.join(folder, name);
    const stats = await lstatOrNull(absolute);
    if (!stats || !(stats.isFile() || stats.isDirectory())) continue;
    const entryRelative = [...relative, name];
    if (!visit({ relative: entryRelative, stats })) return false;
    if (options.recursive && stats.isDirectory()) {
      const keepGoing = await walkTree(absolute, visit, { recursive: true, relative: entryRelative });
      if (!keepGoing) return false;
    }
  }
  return true;
}

/** Total bytes of the regular files under `folder` (0 when it does not exist). */
export async function totalBytes(folder: string): Promise<number> {
  if (!(await lstatOrNull(folder))) return 0;
  let total = 0;
  await walkTree(
    folder,
    ({ stats }) => {
      if (stats.isFile()) total += stats.size;
      return true;
    },
    { recursive: true },
  );
  return total;
}
