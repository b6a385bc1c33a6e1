import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../test-kit/build-test-app.js';
import type { TestUser } from '../../test-kit/factories.js';
import { useAppPerTest } from '../../test-kit/use-app-per-test.js';

/** Custom code tools and the built-in run_* tools: code in the sandbox, failures as results, the server unharmed. */
let testApp: TestApp;
let user: TestUser;
useAppPerTest((app, owner) => {
  testApp = app;
  user = owner;
});

function inject(method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, owner = user) {
  return testApp.app.inject({ method, url: `/api/v1/tools${url}`, headers: owner.headers, ...(payload ? { payload } : {}) });
}

const wordCount = {
  name: 'word_count',
  description: 'Counts the words of a text and lists the longest one.',
  type: 'code',
  input_schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  code: {
    language: 'javascript',
    code: 'function main(input) { const words = input.text.split(/\\s+/).filter(Boolean); console.log("counted"); return { count: words.length, longest: words.reduce((a, b) => (b.length > a.length ? b : a), "") }; }',
  },
};

describe('custom code tools', () => {
  it('runs a JavaScript tool with its input and returns result and logs', async () => {
    const created = (await inject('POST', '', wordCount)).json();

    const used = await inject('POST', `/${created.id}/use`, { arguments: { text: 'the quick brown fox jumps' } });

    expect(used.json()).toMatchObject({ ok: true, output: { result: { count: 5, longest: 'quick' }, logs: 'counted\n' } });
  });

  it('runs Python through test/code, and reports a runaway loop as a timeout', async () => {
    const python = await inject('POST', '/test/code', {
      language: 'python',
      code: 'import statistics\ndef main(input):\n    return statistics.median(input["values"])',
      arguments: { values: [3, 1, 4, 1, 5] },
    });
    const runaway = await inject('POST', '/test/code', { language: 'javascript', code: 'while (true) {}', timeout_ms: 300, arguments: {} });
    const after = await inject('POST', '/test/code', { language: 'javascript', code: '6 * 7', arguments: {} });

    expect(python.json()).toMatchObject({ ok: true, output: { result: 3 } });
    expect(runaway.json()).toMatchObject({ ok: false, error: { code: 'CODE_TIMEOUT' } });
    expect(after.json()).toMatchObject({ ok: true, output: { result: 42 } });
  });

  it('built-in run_javascript cannot reach the host', async () => {
    const response = await inject('POST', '/run_javascript/use', { arguments: { code: 'typeof process + "/" + typeof require' } });

    expect(response.json()).toMatchObject({ ok: true, output: { result: 'undefined/undefined' } });
  });

  it('refuses a code config on an HTTP tool and bad languages with 422', async () => {
    const created = (await inject('POST', '', wordCount)).json();

    const wrongType = await inject('PUT', `/${created.id}`, { http: { url: 'https://example.com' } });
    const badLanguage = await inject('POST', '', { ...wordCount, name: 'other', code: { language: 'ruby', code: 'puts 1' } });

    expect(wrongType.statusCode).toBe(422);
    expect(badLanguage.statusCode).toBe(422);
  });
});
