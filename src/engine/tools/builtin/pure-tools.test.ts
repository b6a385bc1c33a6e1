import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FixedClock } from '../../../test-kit/fixed-clock.js';
import { ToolRegistry } from '../tool-registry.js';
import { createPureBuiltinTools, pureBuiltinTools } from './pure-tools.js';

interface PropertySchema {
  description?: string;
}

describe('pureBuiltinTools', () => {
  it('holds exactly the tools of the four categories', () => {
    const names = (category: string) =>
      pureBuiltinTools.filter((tool) => tool.category === category).map((tool) => tool.name).sort();

    expect([...new Set(pureBuiltinTools.map((tool) => tool.category))].sort()).toEqual(['data', 'datetime', 'math', 'text']);
    expect(names('math')).toEqual(['calculator', 'number_base_convert', 'random', 'statistics', 'unit_convert']);
    expect(names('datetime')).toEqual(['cron_preview', 'current_time', 'date_add', 'date_diff', 'timezone_convert']);
    expect(names('text')).toEqual(['regex', 'template_render', 'text_diff', 'text_stats', 'text_transform']);
    expect(names('data')).toEqual([
      'csv_json_convert',
      'encode_decode',
      'hash',
      'json_format',
      'json_path',
      'json_yaml_convert',
      'jwt_decode',
      'uuid_generate',
    ]);
  });

  it('registers without name clashes', () => {
    const registry = new ToolRegistry();
    for (const tool of createPureBuiltinTools(new FixedClock())) registry.register(tool);

    expect(registry.count).toBe(23);
  });

  it.each(pureBuiltinTools.map((tool) => [tool.name, tool] as const))('%s is described well enough for a model', (name, tool) => {
    expect(name).toMatch(/^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/);
    expect(tool.category).toMatch(/^[a-z]+$/);
    expect(tool.description.length).toBeGreaterThanOrEqual(40);
    for (const io of ['input', 'output'] as const) {
      const schema = z.toJSONSchema(tool.inputSchema, { io }) as { type?: string; properties?: Record<string, PropertySchema> };
      expect(schema.type).toBe('object');
      const properties = Object.entries(schema.properties ?? {});
      expect(properties.length).toBeGreaterThan(0);
      for (const [property, definition] of properties) {
        expect(definition.description, `${name}.${property}`).toMatch(/\S{2,}/);
      }
    }
  });
});
