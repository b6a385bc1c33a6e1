/** Whether a workspace entry is a file or a folder. */
export type WorkspaceEntryKind = 'file' | 'directory';

/** A file or folder in a user's workspace. */
export interface WorkspaceEntry {
  /** User-relative POSIX path, without leading or trailing slash ("" is the workspace itself). */
  path: string;
  /** The last path segment. */
  name: string;
  kind: WorkspaceEntryKind;
  /** Size in bytes; 0 for folders. */
  size: number;
  modifiedAt: Date;
}

/** How `write` treats a file that already exists. */
export type WorkspaceWriteMode = 'overwrite' | 'create' | 'append';

/** Options of {@link UserWorkspace.write}. */
export interface WorkspaceWriteOptions {
  /** `overwrite` (default) replaces, `create` fails when the file exists, `append` adds to its end. */
  mode?: WorkspaceWriteMode;
}

/** Options of {@link UserWorkspace.read}. */
export interface WorkspaceReadOptions {
  /** Refuse files larger than this many bytes (default: the store's maximum file size). */
  maxBytes?: number;
}

/** Options of {@link UserWorkspace.list}. */
export interface WorkspaceListOptions {
  /** Also list the contents of sub-folders (default false). */
  recursive?: boolean;
  /** At most this many entries (default 1000). */
  limit?: number;
}

/** One page of a folder listing, sorted by path. */
export interface WorkspaceListing {
  entries: WorkspaceEntry[];
  /** True when entries were left out because of the limit. */
  truncated: boolean;
}

/** Options of {@link UserWorkspace.delete}. */
export interface WorkspaceDeleteOptions {
  /** Delete a folder with everything in it (default false: only empty folders). */
  recursive?: boolean;
}

/** Options of {@link UserWorkspace.move}. */
export interface WorkspaceMoveOptions {
  /** Replace a file already at the destination (default false). */
  overwrite?: boolean;
}

/** The limits that apply to every user's workspace. */
export interface WorkspaceLimits {
  /** Largest single file, in bytes. */
  maxFileBytes: number;
  /** Largest total of all a user's files, in bytes. */
  maxTotalBytes: number;
}

/** How much of a user's quota is used. */
export interface WorkspaceUsage extends WorkspaceLimits {
  usedBytes: number;
}

/**
 * The files of one user. Paths are user-relative POSIX paths ("notes/todo.md"); a path that is
 * absolute, climbs with "..", holds NUL, control characters or backslashes, or goes through a
 * symbolic link is refused with `invalid_path`. Failures are `WorkspaceError`s.
 */
export interface UserWorkspace {
  /** Writes bytes or UTF-8 text, creating parent folders, and returns the written file. */
  write(path: string, content: Uint8Array | string, options?: WorkspaceWriteOptions): Promise<WorkspaceEntry>;
  /** The bytes of a file. */
  read(path: string, options?: WorkspaceReadOptions): Promise<Buffer>;
  /** The file or folder at `path`; throws `not_found` when there is none. */
  stat(path: string): Promise<WorkspaceEntry>;
  /** The entries of a folder ("" for the workspace root). */
  list(path: string, options?: WorkspaceListOptions): Promise<WorkspaceListing>;
  /** Deletes a file or a folder. */
  delete(path: string, options?: WorkspaceDeleteOptions): Promise<void>;
  /** Moves or renames a file or folder, creating the destination's parent folders. */
  move(from: string, to: string, options?: WorkspaceMoveOptions): Promise<WorkspaceEntry>;
  /** Bytes used and the limits. */
  usage(): Promise<WorkspaceUsage>;
}

/** Per-user file storage: uploads, files that agents write, knowledge-base documents. */
export interface WorkspaceStore {
  /** The limits of every workspace in this store. */
  readonly limits: WorkspaceLimits;
  /** The workspace of `userId`; it holds nothing of any other user. */
  forUser(userId: string): UserWorkspace;
}

/** 20 MiB: the default largest file. */
export const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;

/** 200 MiB: the default largest total per user. */
export const DEFAULT_MAX_TOTAL_BYTES = 200 * 1024 * 1024;
