import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ToolRegistry, type RegisteredTool } from './tool-registry.js';

function tool(name: string, category = 'general'): RegisteredTool {
  return { name, category, description: `The ${name} tool`, inputSchema: z.object({}), execute: async () => null };
}

describe('ToolRegistry', () => {
  it('starts empty and not ready', () => {
    const registry = new ToolRegistry();

    expect(registry.count).toBe(0);
    expect(registry.ready).toBe(false);
    expect(registry.list()).toEqual([]);
  });

  it('finds a registered tool by its exact name and answers null otherwise', () => {
    const registry = new ToolRegistry();
    const webSearch = tool('web_search', 'web');
    registry.register(webSearch);

    expect(registry.find('web_search')).toEqual(webSearch);
    expect(registry.find('Web_Search')).toBeNull();
    expect(registry.find('unknown_tool')).toBeNull();
    expect(registry.find('')).toBeNull();
  });

  it('counts the registered tools', () => {
    const registry = new ToolRegistry();

    registry.register(tool('a_tool'));
    registry.register(tool('b_tool'));
    registry.register(tool('c_tool', 'other'));

    expect(registry.count).toBe(3);
  });

  it('throws on a duplicate name, even in another category, and keeps the first tool', () => {
    const registry = new ToolRegistry();
    const original = tool('read_file', 'files');
    registry.register(original);

    expect(() => registry.register(tool('read_file', 'other'))).toThrow('Tool "read_file" is already registered');
    expect(registry.count).toBe(1);
    expect(registry.find('read_file')).toEqual(original);
  });

  it('lists tools sorted by category, then by name', () => {
    const registry = new ToolRegistry();
    for (const entry of [
      tool('write_file', 'files'),
      tool('web_search', 'web'),
      tool('calculator', 'math'),
      tool('read_file', 'files'),
      tool('fetch_page', 'web'),
      tool('delete_file', 'files'),
    ]) {
      registry.register(entry);
    }

    const listed = registry.list().map((entry) => `${entry.category}/${entry.name}`);

    expect(listed).toEqual([
      'files/delete_file',
      'files/read_file',
      'files/write_file',
      'math/calculator',
      'web/fetch_page',
      'web/web_search',
    ]);
  });

  it('returns a new array each time, so callers cannot reorder or empty the registry', () => {
    const registry = new ToolRegistry();
    registry.register(tool('b_tool'));
    registry.register(tool('a_tool'));

    const listed = registry.list();
    listed.length = 0;

    expect(registry.list().map((entry) => entry.name)).toEqual(['a_tool', 'b_tool']);
    expect(registry.count).toBe(2);
  });

  it('becomes ready once marked and stays ready, still accepting tools', () => {
    const registry = new ToolRegistry();
    registry.register(tool('early_tool'));

    registry.markReady();
    registry.markReady();
    registry.register(tool('late_tool'));

    expect(registry.ready).toBe(true);
    expect(registry.count).toBe(2);
  });

  it('keeps separate registries independent', () => {
    const first = new ToolRegistry();
    const second = new ToolRegistry();

    first.register(tool('only_here'));
    first.markReady();

    expect(second.count).toBe(0);
    expect(second.ready).toBe(false);
    expect(() => second.register(tool('only_here'))).not.toThrow();
  });
});
