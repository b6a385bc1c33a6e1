import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildTestApp, type TestApp } from '../src/test-kit/build-test-app.js';

/** The built-in tools: the README lists exactly what is registered, and each is fit for a model to use. */
let testApp: TestApp;
beforeAll(async () => {
  testApp = await buildTestApp();
});
afterAll(async () => testApp.close());

function readmeTable(): Map<string, string[]> {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.split('<!-- builtin-tools:start -->')[1]!.split('<!-- builtin-tools:end -->')[0]!;
  const rows = section.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| Category') && !line.startsWith('| ---'));
  return new Map(rows.map((row) => {
    const [category, tools] = row.split('|').slice(1, 3).map((cell) => cell.trim());
    return [category!, [...tools!.matchAll(/`([a-z0-9_]+)`/g)].map((match) => match[1]!)];
  }));
}

describe('built-in tools', () => {
  it('are listed in the README, each under its category, and nothing else is', () => {
    const registered = new Map<string, string[]>();
    for (const tool of testApp.container.tools.list()) registered.set(tool.category, [...(registered.get(tool.category) ?? []), tool.name]);

    expect(Object.fromEntries(readmeTable())).toEqual(Object.fromEntries(registered));
  });

  it('each has a snake_case name, a real description and an object input schema with described fields', () => {
    const problems: string[] = [];
    for (const tool of testApp.container.tools.list()) {
      const schema = z.toJSONSchema(tool.inputSchema, { io: 'input' }) as { type?: string; properties?: Record<string, { description?: string }> };
      if (!/^[a-z][a-z0-9_]*$/.test(tool.name)) problems.push(`${tool.name}: name`);
      if (tool.description.length < 40) problems.push(`${tool.name}: description`);
      if (schema.type !== 'object') problems.push(`${tool.name}: schema type`);
      for (const [field, property] of Object.entries(schema.properties ?? {})) {
        if (!property.description) problems.push(`${tool.name}.${field}: no description`);
      }
    }

    expect(problems).toEqual([]);
  });

  it('/health counts them', async () => {
    const health = (await testApp.app.inject({ url: '/health' })).json();

    expect(health.builtin_tools).toEqual({ count: testApp.container.tools.count, ready: true });
    expect(testApp.container.tools.count).toBeGreaterThanOrEqual(39);
  });
});
