import { readFileSync } from 'node:fs';

/**
 * Reads a process's resident set size from /proc/<pid>/status (Linux). Returns null where
 * /proc is missing or the process is gone, so callers treat the watch as best effort.
 */
export function readResidentBytes(pid: number): number | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : null;
}
