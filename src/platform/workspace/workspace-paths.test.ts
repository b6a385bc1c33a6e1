import { describe, expect, it } from 'vitest';
import { MAX_PATH_DEPTH, normalizeWorkspacePath, parseWorkspacePath } from './workspace-paths.js';
import { isWorkspaceError } from './workspace.errors.js';

function reasonOf(path: string): string {
  try {
    parseWorkspacePath(path);
  } catch (error) {
    return isWorkspaceError(error) ? error.reason : `unexpected ${String(error)}`;
  }
  return 'accepted';
}

describe('parseWorkspacePath', () => {
  it('splits a relative path into segments and drops empty and "." segments', () => {
    expect(parseWorkspacePath('notes/2024/todo.md')).toEqual(['notes', '2024', 'todo.md']);
    expect(parseWorkspacePath('a//b/./c/')).toEqual(['a', 'b', 'c']);
    expect(parseWorkspacePath('')).toEqual([]);
    expect(parseWorkspacePath('.')).toEqual([]);
  });

  it('keeps percent escapes, dots inside names and non-ASCII names literal', () => {
    expect(parseWorkspacePath('%2e%2e/x')).toEqual(['%2e%2e', 'x']);
    expect(parseWorkspacePath('..hidden/...')).toEqual(['..hidden', '...']);
    expect(parseWorkspacePath('报告/第一章.txt')).toEqual(['报告', '第一章.txt']);
  });

  it('normalises Unicode to NFC so the same name is one file', () => {
    const decomposed = 'cafe\u0301.txt';
    expect(normalizeWorkspacePath(decomposed)).toBe('caf\u00e9.txt');
  });

  it.each([
    ['../x'],
    ['a/../../x'],
    ['a/../b'],
    ['..'],
    ['/etc/passwd'],
    ['/'],
    ['a\0b'],
    ['a\nb'],
    ['a\u007fb'],
    ['..\\x'],
    ['a\\b'],
    ['C:/Windows'],
    ['c:x'],
  ])('refuses %j as invalid_path', (path) => {
    expect(reasonOf(path)).toBe('invalid_path');
  });

  it('refuses over-long names, paths and nesting', () => {
    expect(reasonOf('x'.repeat(255))).toBe('accepted');
    expect(reasonOf('x'.repeat(256))).toBe('invalid_path');
    // 86 three-byte characters are 258 bytes: the limit counts bytes, not characters.
    expect(reasonOf('字'.repeat(86))).toBe('invalid_path');
    expect(reasonOf('a/'.repeat(600))).toBe('invalid_path');
    expect(reasonOf(Array.from({ length: MAX_PATH_DEPTH }, () => 'd').join('/'))).toBe('accepted');
    expect(reasonOf(Array.from({ length: MAX_PATH_DEPTH + 1 }, () => 'd').join('/'))).toBe('invalid_path');
  });

  it('puts the reason into the message and the code', () => {
    try {
      parseWorkspacePath('../secret');
      expect.unreachable();
    } catch (error) {
      expect(isWorkspaceError(error, 'invalid_path')).toBe(true);
      if (!isWorkspaceError(error)) return;
      expect(error.code).toBe('WORKSPACE_INVALID_PATH');
      expect(error.category).toBe('bad_request');
      expect(error.message).toContain('".." is not allowed');
    }
  });
});
