import { describe, expect, it } from 'vitest';
import { runOneNode } from './logic.test-helpers.js';
import { templateNode } from './template.node.js';

// Every test runs:  start -> subject (template) -> end { result: {{subject.output}} }

describe('template node', () => {
  it('renders variables and sections over the scope', async () => {
    const config = { template: 'Hello {{start.output.name}}:{{#start.output.tags}} [{{.}}]{{/start.output.tags}}' };

    const { result, step } = await runOneNode({ nodeType: templateNode, config, input: { name: 'Ada', tags: ['a', 'b'] } });

    expect(result.status).toBe('succeeded');
    expect(step.output).toEqual({ text: 'Hello Ada: [a] [b]' });
    expect(result.output).toEqual({ result: { text: 'Hello Ada: [a] [b]' } });
  });

  it('renders a value that holds braces as text, never as a second template', async () => {
    const input = { note: '{{start.output.secret}}', secret: 'hidden' };

    const { step } = await runOneNode({ nodeType: templateNode, config: { template: 'Note: {{start.output.note}}' }, input });

    expect(step.output).toEqual({ text: 'Note: {{start.output.secret}}' });
  });

  it('renders a missing variable as empty text', async () => {
    const { step } = await runOneNode({ nodeType: templateNode, config: { template: '[{{start.output.absent}}]' } });

    expect(step.output).toEqual({ text: '[]' });
  });

  it('fails with TEMPLATE_INVALID on a malformed template', async () => {
    const { result, step } = await runOneNode({ nodeType: templateNode, config: { template: '{{#open}} never closed' } });

    expect(result.status).toBe('failed');
    expect(step.status).toBe('failed');
    expect(step.error?.code).toBe('TEMPLATE_INVALID');
    expect(step.error?.message).toMatch(/never closed/);
  });

  it('fails with NODE_CONFIG_INVALID when the template is missing or has extra fields', async () => {
    const missing = await runOneNode({ nodeType: templateNode, config: {} });
    const extra = await runOneNode({ nodeType: templateNode, config: { template: 'x', escape: true } });

    expect(missing.step.error?.code).toBe('NODE_CONFIG_INVALID');
    expect(extra.step.error?.code).toBe('NODE_CONFIG_INVALID');
  });
});
