import type { Clock } from '../../platform/clock.js';
import type { TextExtractor } from '../../platform/documents/extracted-document.js';
import type { Actor } from '../../platform/http/authenticate.js';
import { parseWorkspacePath } from '../../platform/workspace/workspace-paths.js';
import type { UserWorkspace, WorkspaceEntry, WorkspaceStore } from '../../platform/workspace/workspace-store.js';
import { isWorkspaceError } from '../../platform/workspace/workspace.errors.js';
import { allowedExtensions, classifyUpload, imageTypeOf, mimeTypeOfFormat, numberedName, sanitiseFileName } from './upload-files.js';
import {
  invalidPreviewPath,
  invalidUploadDirectory,
  uploadNameExhausted,
  uploadNotFound,
  uploadNotPreviewable,
  uploadTooLarge,
  uploadTypeNotAllowed,
} from './uploads.errors.js';
import type { PreviewQuery, PreviewResponse, UploadResponse } from './uploads.schemas.js';

/** The folder uploads go to when the client names none. */
export const DEFAULT_UPLOAD_DIRECTORY = 'uploads';
// "name (1).ext" ... "name (999).ext": past that a folder full of one name is a client looping.
const MAX_NAME_ATTEMPTS = 1000;

/** What the uploads service works with. */
export interface UploadsServiceDeps {
  workspace: WorkspaceStore;
  extractText: TextExtractor;
  clock: Clock;
}

/** One file to store, as read from the request. */
export interface UploadInput {
  /** The client's file name (any path in it is dropped). */
  fileName: string;
  /** The client's declared MIME type: only used to name a file that has no extension. */
  mimeType?: string;
  bytes: Uint8Array;
  /** Workspace folder to store into (default "uploads"); blank means the default. */
  directory?: string;
}

/** Cuts `text` to at most `limit` UTF-16 units without splitting a surrogate pair. */
function cutText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const end = /[\ud800-\udbff]/.test(text.charAt(limit - 1)) ? limit - 1 : limit;
  return text.slice(0, end);
}

/** Stores users' uploaded files in their workspace and previews the text of workspace documents. */
export class UploadsService {
  constructor(private readonly deps: UploadsServiceDeps) {}

  /** The largest file an upload may carry: the workspace's largest file. */
  get maxFileBytes(): number {
    return this.deps.workspace.limits.maxFileBytes;
  }

  /**
   * Stores one file. Steps: refuse it over the size limit; check the folder; clean the name;
   * accept only the allowed types, confirmed by content; write it without replacing anything,
   * trying "name (1).ext", "name (2).ext" ... while the name is taken.
   */
  async upload(actor: Actor, input: UploadInput): Promise<UploadResponse> {
    if (input.bytes.byteLength > this.maxFileBytes) throw uploadTooLarge(this.maxFileBytes);
    const directory = this.uploadDirectory(input.directory);
    const name = sanitiseFileName(input.fileName, input.mimeType);
    const decision = classifyUpload(name, input.bytes);
    if ('refused' in decision) throw uploadTypeNotAllowed(name, decision.refused, allowedExtensions);
    const workspace = this.deps.workspace.forUser(actor.userId);
    const entry = await this.writeUnderFreeName({ workspace, directory, name, bytes: input.bytes });
    return {
      path: entry.path,
      name: entry.name,
      size: entry.size,
      mime_type: decision.type.mimeType,
      format: decision.type.format,
      created_at: this.deps.clock.now().toISOString(),
    };
  }

  /**
   * The text of a document in the caller's workspace. Steps: check the path; find the file (404
   * when absent: another user's files are never in this workspace); refuse images up front with
   * a clear message; extract the text (unsupported formats 415, corrupt documents 422); cut it
   * to `max_chars`.
   */
  async preview(actor: Actor, query: PreviewQuery, signal?: AbortSignal): Promise<PreviewResponse> {
    const path = this.previewPath(query.path);
    const workspace = this.deps.workspace.forUser(actor.userId);
    const entry = await this.findFile(workspace, path);
    const image = imageTypeOf(entry.name);
    if (image) throw uploadNotPreviewable(path, image.label);
    const bytes = await this.readFile(workspace, path);
    const byContent = imageTypeOf('', bytes);
    if (byContent) throw uploadNotPreviewable(path, byContent.label);
    const document = await this.deps.extractText({ bytes, fileName: entry.name }, { maxBytes: this.maxFileBytes, signal });
    const text = cutText(document.text, query.max_chars);
    return {
      path,
      name: entry.name,
      size: bytes.byteLength,
      format: document.format,
      mime_type: mimeTypeOfFormat[document.format],
      text,
      truncated: text.length < document.text.length,
      characters: document.text.length,
      pages: document.pages ?? null,
      metadata: document.metadata,
      modified_at: entry.modifiedAt.toISOString(),
    };
  }

  /** The canonical folder path ("" is the workspace itself); a bad one is a 422 on `directory`. */
  private uploadDirectory(directory: string | undefined): string {
    const wanted = directory === undefined || directory.trim() === '' ? DEFAULT_UPLOAD_DIRECTORY : directory.trim();
    try {
      return parseWorkspacePath(wanted).join('/');
    } catch (error) {
      if (isWorkspaceError(error, 'invalid_path')) throw invalidUploadDirectory(error.message);
      throw error;
    }
  }

  private previewPath(path: string): string {
    try {
      const segments = parseWorkspacePath(path);
      if (segments.length === 0) throw invalidPreviewPath('name a file, not the workspace itself');
      return segments.join('/');
    } catch (error) {
      if (isWorkspaceError(error, 'invalid_path')) throw invalidPreviewPath(error.message);
      throw error;
    }
  }

  private async writeUnderFreeName(options: {
    workspace: UserWorkspace;
    directory: string;
    name: string;
    bytes: Uint8Array;
  }): Promise<WorkspaceEntry> {
    const { workspace, directory, name, bytes } = options;
    for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt += 1) {
      const candidate = attempt === 0 ? name : numberedName(name, attempt);
      const path = directory === '' ? candidate : `${directory}/${candidate}`;
      try {
        // `create` never replaces: a name taken between two attempts fails here instead of losing a file.
        return await workspace.write(path, bytes, { mode: 'create' });
      } catch (error) {
        if (isWorkspaceError(error, 'already_exists') || isWorkspaceError(error, 'is_directory')) continue;
        // The name is clean, so a bad path or a file in the way is the folder's fault.
        if (isWorkspaceError(error, 'not_directory') || isWorkspaceError(error, 'invalid_path')) {
          throw invalidUploadDirectory(error.message);
        }
        throw error;
      }
    }
    throw uploadNameExhausted(name, directory);
  }

  private async findFile(workspace: UserWorkspace, path: string): Promise<WorkspaceEntry> {
    try {
      const entry = await workspace.stat(path);
      if (entry.kind === 'directory') throw invalidPreviewPath(`"${path}" is a folder, not a file`);
      return entry;
    } catch (error) {
      // A file where a folder of the path should be means the same as no file: nothing to preview.
      if (isWorkspaceError(error, 'not_found') || isWorkspaceError(error, 'not_directory')) throw uploadNotFound(path);
      if (isWorkspaceError(error, 'invalid_path')) throw invalidPreviewPath(error.message);
      throw error;
    }
  }

  private async readFile(workspace: UserWorkspace, path: string): Promise<Buffer> {
    try {
      return await workspace.read(path);
    } catch (error) {
      // Deleted between stat and read.
      if (isWorkspaceError(error, 'not_found')) throw uploadNotFound(path);
      throw error;
    }
  }
}
