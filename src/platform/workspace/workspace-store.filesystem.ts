import { randomUUID } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { mkdir, open, realpath, rename, rm, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { errorCode, resolveInside, totalBytes, translateFilesystemError, walkTree } from './filesystem-paths.js';
import { parseWorkspacePath } from './workspace-paths.js';
import {
  DEFAULT_MAX_FILE_BYTES,
  DEFAULT_MAX_TOTAL_BYTES,
  type UserWorkspace,
  type WorkspaceDeleteOptions,
  type WorkspaceEntry,
  type WorkspaceLimits,
  type WorkspaceListing,
  type WorkspaceListOptions,
  type WorkspaceMoveOptions,
  type WorkspaceReadOptions,
  type WorkspaceStore,
  type WorkspaceUsage,
  type WorkspaceWriteOptions,
} from './workspace-store.js';
import {
  directoryNotEmpty,
  fileTooLarge,
  invalidPath,
  pathAlreadyExists,
  pathIsDirectory,
  pathNotDirectory,
  pathNotFound,
  quotaExceeded,
} from './workspace.errors.js';

/** Options of {@link FilesystemWorkspaceStore}. */
export interface FilesystemWorkspaceStoreOptions {
  /** Folder holding one sub-folder per user, e.g. `<DATA_DIR>/workspaces`; created when missing. */
  rootDirectory: string;
  /** Largest single file in bytes (default 20 MiB). */
  maxFileBytes?: number;
  /** Largest total per user in bytes (default 200 MiB). */
  maxTotalBytes?: number;
}

/** Default and largest number of entries one listing returns. */
const DEFAULT_LIST_LIMIT = 1000;
const MAX_LIST_LIMIT = 10_000;
const userIdPattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
// Never follow a link at the last path segment; parents are checked by resolveInside.
const noFollow = constants.O_NOFOLLOW;

/**
 * A {@link WorkspaceStore} on the local filesystem: `<rootDirectory>/<userId>/<path>`. Whole-file
 * writes go to `<rootDirectory>/.staging` first and are renamed into place, so a reader never sees
 * half a file. Writes, deletes and moves of one user run one at a time, which keeps the quota
 * check and the write together (within this process).
 */
export class FilesystemWorkspaceStore implements WorkspaceStore {
  readonly limits: WorkspaceLimits;
  private readonly locks = new Map<string, Promise<unknown>>();
  private realRoot: Promise<string> | null = null;

  constructor(private readonly options: FilesystemWorkspaceStoreOptions) {
    this.limits = {
      maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
      maxTotalBytes: options.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES,
    };
  }

  /** The workspace of `userId` (letters, digits, "-" and "_"; a UUID fits). */
  forUser(userId: string): UserWorkspace {
    if (!userIdPattern.test(userId)) throw new Error(`Invalid workspace user id "${userId}"`);
    return new FilesystemUserWorkspace({ store: this, userId });
  }

  /** The root folder with every link in it resolved, created on first use. */
  rootDirectory(): Promise<string> {
    this.realRoot ??= mkdir(this.options.rootDirectory, { recursive: true }).then(() =>
      realpath(this.options.rootDirectory),
    );
    return this.realRoot;
  }

  /** Runs `task` after every earlier mutation of the same user has settled. */
  async exclusive<T>(userId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(userId) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(task);
    this.locks.set(userId, current);
    try {
      return await current;
    } finally {
      if (this.locks.get(userId) === current) this.locks.delete(userId);
    }
  }
}

function toEntry(segments: string[], stats: Stats): WorkspaceEntry {
  return {
    path: segments.join('/'),
    name: segments.at(-1) ?? '',
    kind: stats.isDirectory() ? 'directory' : 'file',
    size: stats.isDirectory() ? 0 : stats.size,
    modifiedAt: stats.mtime,
  };
}

function toBuffer(content: Uint8Array | string): Buffer {
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  return Buffer.from(content.buffer, content.byteOffset, content.byteLength);
}

class FilesystemUserWorkspace implements UserWorkspace {
  private readonly store: FilesystemWorkspaceStore;
  private readonly userId: string;

  constructor(options: { store: FilesystemWorkspaceStore; userId: string }) {
    this.store = options.store;
    this.userId = options.userId;
  }

  async write(filePath: string, content: Uint8Array | string, options: WorkspaceWriteOptions = {}): Promise<WorkspaceEntry> {
    const segments = parseWorkspacePath(filePath);
    if (segments.length === 0) throw pathIsDirectory(filePath);
    const bytes = toBuffer(content);
    const mode = options.mode ?? 'overwrite';
    return this.store.exclusive(this.userId, async () => {
      const userRoot = await this.userRoot();
      const target = await resolveInside(userRoot, segments, filePath);
      if (target.stats?.isDirectory()) throw pathIsDirectory(filePath);
      if (target.stats && mode === 'create') throw pathAlreadyExists(filePath);
      const previousSize = target.stats?.size ?? 0;
      const newSize = mode === 'append' ? previousSize + bytes.length : bytes.length;
      await this.checkLimits({ filePath, newSize, growth: newSize - previousSize });
      try {
        await mkdir(path.dirname(target.absolute), { recursive: true });
        await this.writeFile({ absolute: target.absolute, bytes, mode });
      } catch (error) {
        throw translateFilesystemError(error, filePath);
      }
      return this.stat(filePath);
    });
  }

  async read(filePath: string, options: WorkspaceReadOptions = {}): Promise<Buffer> {
    const segments = parseWorkspacePath(filePath);
    const maxBytes = options.maxBytes ?? this.store.limits.maxFileBytes;
    const target = await resolveInside(await this.userRoot(), segments, filePath);
    if (!target.stats) throw pathNotFound(filePath);
    if (target.stats.isDirectory()) throw pathIsDirectory(filePath);
    try {
      const handle = await open(target.absolute, constants.O_RDONLY | noFollow);
      try {
        const { size } = await handle.stat();
        if (size > maxBytes) throw fileTooLarge(filePath, size, maxBytes);
        return await handle.readFile();
      } finally {
        await handle.close();
      }
    } catch (error) {
      throw translateFilesystemError(error, filePath);
    }
  }

  async stat(entryPath: string): Promise<WorkspaceEntry> {
    const segments = parseWorkspacePath(entryPath);
    const userRoot = await this.userRoot();
    if (segments.length === 0) await mkdir(userRoot, { recursive: true });
    const target = await resolveInside(userRoot, segments, entryPath);
    if (!target.stats) throw pathNotFound(entryPath);
    return toEntry(segments, target.stats);
  }

  async list(folderPath: string, options: WorkspaceListOptions = {}): Promise<WorkspaceListing> {
    const segments = parseWorkspacePath(folderPath);
    const limit = Math.min(Math.max(options.limit ?? DEFAULT_LIST_LIMIT, 1), MAX_LIST_LIMIT);
    const target = await resolveInside(await this.userRoot(), segments, folderPath);
    if (!target.stats) {
      if (segments.length === 0) return { entries: [], truncated: false };
      throw pathNotFound(folderPath);
    }
    if (!target.stats.isDirectory()) throw pathNotDirectory(folderPath);
    const entries: WorkspaceEntry[] = [];
    let truncated = false;
    try {
      await walkTree(
        target.absolute,
        ({ relative, stats }) => {
          if (entries.length === limit) {
            truncated = true;
            return false;
          }
          entries.push(toEntry([...segments, ...relative], stats));
          return true;
        },
        { recursive: options.recursive ?? false },
      );
    } catch (error) {
      throw translateFilesystemError(error, folderPath);
    }
    return { entries, truncated };
  }

  async delete(entryPath: string, options: WorkspaceDeleteOptions = {}): Promise<void> {
    const segments = parseWorkspacePath(entryPath);
    if (segments.length === 0) throw invalidPath(entryPath, 'the workspace itself cannot be deleted');
    await this.store.exclusive(this.userId, async () => {
      const target = await resolveInside(await this.userRoot(), segments, entryPath);
      if (!target.stats) throw pathNotFound(entryPath);
      try {
        if (!target.stats.isDirectory()) await unlink(target.absolute);
        else if (options.recursive) await rm(target.absolute, { recursive: true });
        else await rmdir(target.absolute);
      } catch (error) {
        if (errorCode(error) === 'ENOTEMPTY' || errorCode(error) === 'EEXIST') throw directoryNotEmpty(entryPath);
        throw translateFilesystemError(error, entryPath);
      }
    });
  }

  async move(from: string, to: string, options: WorkspaceMoveOptions = {}): Promise<WorkspaceEntry> {
    const sourceSegments = parseWorkspacePath(from);
    const targetSegments = parseWorkspacePath(to);
    if (sourceSegments.length === 0) throw invalidPath(from, 'the workspace itself cannot be moved');
    if (targetSegments.length === 0) throw invalidPath(to, 'a destination name is needed');
    const intoItself = sourceSegments.every((segment, index) => targetSegments[index] === segment);
    return this.store.exclusive(this.userId, async () => {
      const userRoot = await this.userRoot();
      const source = await resolveInside(userRoot, sourceSegments, from);
      if (!source.stats) throw pathNotFound(from);
      if (intoItself) {
        if (sourceSegments.length === targetSegments.length) return toEntry(sourceSegments, source.stats);
        throw invalidPath(to, `cannot move "${from}" into itself`);
      }
      const target = await resolveInside(userRoot, targetSegments, to);
      const replaceable = target.stats?.isFile() && source.stats.isFile() && options.overwrite === true;
      if (target.stats && !replaceable) throw pathAlreadyExists(to);
      try {
        await mkdir(path.dirname(target.absolute), { recursive: true });
        await rename(source.absolute, target.absolute);
      } catch (error) {
        throw translateFilesystemError(error, to);
      }
      return this.stat(to);
    });
  }

  async usage(): Promise<WorkspaceUsage> {
    return { usedBytes: await totalBytes(await this.userRoot()), ...this.store.limits };
  }

  private async userRoot(): Promise<string> {
    return path.join(await this.store.rootDirectory(), this.userId);
  }

  private async checkLimits(change: { filePath: string; newSize: number; growth: number }): Promise<void> {
    const { maxFileBytes, maxTotalBytes } = this.store.limits;
    if (change.newSize > maxFileBytes) throw fileTooLarge(change.filePath, change.newSize, maxFileBytes);
    if (change.growth <= 0) return;
    const usedBytes = await totalBytes(await this.userRoot());
    if (usedBytes + change.growth > maxTotalBytes) {
      throw quotaExceeded(change.filePath, change.growth, maxTotalBytes - usedBytes);
    }
  }

  /** Appends in place, creates exclusively, or stages a whole file and renames it over the old one. */
  private async writeFile(options: { absolute: string; bytes: Buffer; mode: WorkspaceWriteOptions['mode'] }): Promise<void> {
    const { absolute, bytes, mode } = options;
    if (mode === 'append' || mode === 'create') {
      const flags = mode === 'append' ? constants.O_APPEND | constants.O_CREAT : constants.O_CREAT | constants.O_EXCL;
      const handle = await open(absolute, constants.O_WRONLY | flags | noFollow, 0o600);
      try {
        await handle.writeFile(bytes);
      } finally {
        await handle.close();
      }
      return;
    }
    const staging = path.join(await this.store.rootDirectory(), '.staging');
    await mkdir(staging, { recursive: true });
    const temporary = path.join(staging, `${this.userId}-${randomUUID()}`);
    try {
      const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      try {
        await handle.writeFile(bytes);
      } finally {
        await handle.close();
      }
      await rename(temporary, absolute);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}
