import { invalidPath } from './workspace.errors.js';

/** Longest accepted path, in characters. */
export const MAX_PATH_LENGTH = 1024;
/** Longest accepted path segment, in UTF-8 bytes (the limit of common filesystems). */
export const MAX_SEGMENT_BYTES = 255;
/** Deepest accepted folder nesting. */
export const MAX_PATH_DEPTH = 32;

// C0 controls (NUL included) and DEL: never part of a name a person or a model means.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const controlCharacters = /[\u0000-\u001f\u007f]/;

/**
 * Checks a user-relative POSIX path and returns its segments ([] for the workspace root).
 * Steps: refuse non-strings, over-long paths, control characters (NUL included) and backslashes;
 * refuse a leading "/" (absolute) or a Windows drive prefix; split on "/", dropping empty and "."
 * segments; refuse any ".." segment, even one that would stay inside; check each segment's
 * length and the depth. Percent escapes are not decoded: "%2e%2e" is a literal name.
 */
export function parseWorkspacePath(path: string): string[] {
  if (typeof path !== 'string') throw invalidPath(String(path), 'a path must be a string');
  if (path.length > MAX_PATH_LENGTH) throw invalidPath(path.slice(0, 64) + '…', `longer than ${MAX_PATH_LENGTH} characters`);
  if (controlCharacters.test(path)) throw invalidPath(path, 'control characters (such as NUL) are not allowed');
  if (path.includes('\\')) throw invalidPath(path, 'use "/" to separate folders; backslashes are not allowed');
  if (path.startsWith('/')) throw invalidPath(path, 'paths are relative to the workspace; remove the leading "/"');
  if (/^[A-Za-z]:/.test(path)) throw invalidPath(path, 'drive letters are not allowed');
  const segments = path
    .normalize('NFC')
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.');
  for (const segment of segments) {
    if (segment === '..') throw invalidPath(path, '".." is not allowed');
    if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) {
      throw invalidPath(path, `a name is longer than ${MAX_SEGMENT_BYTES} bytes`);
    }
  }
  if (segments.length > MAX_PATH_DEPTH) throw invalidPath(path, `nested deeper than ${MAX_PATH_DEPTH} folders`);
  return segments;
}

/** The canonical form of a path: its segments joined by "/" ("" for the root). */
export function normalizeWorkspacePath(path: string): string {
  return parseWorkspacePath(path).join('/');
}
