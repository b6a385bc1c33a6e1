import { AppError, type ErrorCategory } from '../errors/app-error.js';

/** Why a workspace operation failed. */
export type WorkspaceErrorReason =
  | 'invalid_path'
  | 'not_found'
  | 'already_exists'
  | 'is_directory'
  | 'not_directory'
  | 'directory_not_empty'
  | 'too_large'
  | 'quota_exceeded';

const categories: Record<WorkspaceErrorReason, ErrorCategory> = {
  invalid_path: 'bad_request',
  not_found: 'not_found',
  already_exists: 'conflict',
  is_directory: 'conflict',
  not_directory: 'conflict',
  directory_not_empty: 'conflict',
  too_large: 'payload_too_large',
  quota_exceeded: 'payload_too_large',
};

/** A workspace failure; `reason` says which, `code` is `WORKSPACE_<REASON>` and the category maps to a 4xx. */
export class WorkspaceError extends AppError {
  readonly reason: WorkspaceErrorReason;
  /** The user-relative path concerned, as the caller gave it. */
  readonly path: string;

  constructor(options: { reason: WorkspaceErrorReason; path: string; message: string; cause?: unknown }) {
    super({
      code: `WORKSPACE_${options.reason.toUpperCase()}`,
      category: categories[options.reason],
      message: options.message,
      details: { reason: options.reason, path: options.path },
      cause: options.cause,
    });
    this.reason = options.reason;
    this.path = options.path;
  }
}

/** True when `value` is a WorkspaceError, optionally of the given reason. */
export function isWorkspaceError(value: unknown, reason?: WorkspaceErrorReason): value is WorkspaceError {
  return value instanceof WorkspaceError && (reason === undefined || value.reason === reason);
}

/** The path is malformed or points outside the workspace. */
export function invalidPath(path: string, why: string): WorkspaceError {
  return new WorkspaceError({ reason: 'invalid_path', path, message: `Invalid path "${path}": ${why}` });
}

/** Nothing exists at the path. */
export function pathNotFound(path: string): WorkspaceError {
  return new WorkspaceError({ reason: 'not_found', path, message: `No file or folder at "${path}"` });
}

/** Something already exists where the caller wanted a new entry. */
export function pathAlreadyExists(path: string): WorkspaceError {
  return new WorkspaceError({ reason: 'already_exists', path, message: `"${path}" already exists` });
}

/** A file was expected but the path is a folder. */
export function pathIsDirectory(path: string): WorkspaceError {
  return new WorkspaceError({ reason: 'is_directory', path, message: `"${path}" is a folder, not a file` });
}

/** A folder was expected (the path itself or one of its parents) but a file is there. */
export function pathNotDirectory(path: string): WorkspaceError {
  return new WorkspaceError({ reason: 'not_directory', path, message: `"${path}" is a file, not a folder` });
}

/** A folder to delete still holds entries and the delete was not recursive. */
export function directoryNotEmpty(path: string): WorkspaceError {
  return new WorkspaceError({
    reason: 'directory_not_empty',
    path,
    message: `Folder "${path}" is not empty; delete it recursively to remove its contents`,
  });
}

/** A file is larger than allowed. */
export function fileTooLarge(path: string, size: number, limit: number): WorkspaceError {
  return new WorkspaceError({
    reason: 'too_large',
    path,
    message: `"${path}" would be ${size} bytes; the limit is ${limit} bytes`,
  });
}

/** Writing would take the user past their total storage quota. */
export function quotaExceeded(path: string, needed: number, available: number): WorkspaceError {
  return new WorkspaceError({
    reason: 'quota_exceeded',
    path,
    message: `Writing "${path}" needs ${needed} more bytes but only ${Math.max(available, 0)} are left in the workspace quota`,
  });
}
