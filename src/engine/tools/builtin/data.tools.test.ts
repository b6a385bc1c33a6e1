import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { FixedClock } from '../../../test-kit/fixed-clock.js';
import { createDataTools } from './data.tools.js';
import { runTool, toolErrorOf } from './tool-test-kit.js';

const tools = createDataTools(new FixedClock());
const run = <Output = Record<string, unknown>>(name: string, input: unknown) => runTool<Output>(tools, name, input);
const failure = (name: string, input: unknown) => toolErrorOf(tools, name, input);

const catalogue = {
  books: [
    { title: 'Dune', price: 9.5, tags: ['sf'] },
    { title: 'Emma', price: 12 },
    { title: 'Ubik', price: 7, tags: [] },
  ],
};

describe('json_path', () => {
  it('queries a JSON value with a filter and returns paths', async () => {
    expect(await run('json_path', { document: catalogue, path: '$.books[?(@.price < 10)].title' })).toEqual({
      count: 2,
      truncated: false,
      matches: [
        { path: "$['books'][0]['title']", value: 'Dune' },
        { path: "$['books'][2]['title']", value: 'Ubik' },
      ],
    });
  });

  it('parses JSON text given as a string, and caps the results', async () => {
    const result = await run('json_path', { document: JSON.stringify(catalogue), path: '$..title', maxResults: 2 });

    expect(result).toMatchObject({ count: 3, truncated: true, matches: [{ value: 'Dune' }, { value: 'Emma' }] });
    expect(await run('json_path', { document: 'plain text', path: '$' })).toMatchObject({ matches: [{ path: '$', value: 'plain text' }] });
  });

  it('reports bad paths and bad JSON text as tool errors', async () => {
    expect((await failure('json_path', { document: catalogue, path: 'books' })).message).toMatch(/must start with "\$"/);
    expect((await failure('json_path', { document: '{"a": }', path: '$.a' })).message).toMatch(/Invalid JSON at line 1, column 7/);
    await expect(run('json_path', { document: {}, path: '' })).rejects.toThrow(ZodError);
  });
});

describe('json_yaml_convert', () => {
  it('converts JSON to YAML and back', async () => {
    const yaml = await run<{ output: string }>('json_yaml_convert', { input: '{"name":"app","ports":[80,443],"tls":{"on":true}}', direction: 'json_to_yaml' });
    expect(yaml.output).toBe('name: app\nports:\n  - 80\n  - 443\ntls:\n  on: true\n');

    const json = await run<{ output: string }>('json_yaml_convert', { input: yaml.output, direction: 'yaml_to_json', indent: 1 });
    expect(JSON.parse(json.output)).toEqual({ name: 'app', ports: [80, 443], tls: { on: true } });
    expect(json.output).toContain('\n "name": "app"');
  });

  it('turns several YAML documents into an array and keeps anchors working', async () => {
    const result = await run<{ output: string }>('json_yaml_convert', { input: 'a: &x [1]\nb: *x\n---\nc: 3\n', direction: 'yaml_to_json' });

    expect(JSON.parse(result.output)).toEqual([{ a: [1], b: [1] }, { c: 3 }]);
  });

  it('reports YAML errors, duplicate keys, alias bombs and bad JSON', async () => {
    expect((await failure('json_yaml_convert', { input: 'a: [1, 2\nb: 3', direction: 'yaml_to_json' })).message).toMatch(/Invalid YAML: .*line 2, column 1/s);
    expect((await failure('json_yaml_convert', { input: 'a: 1\na: 2', direction: 'yaml_to_json' })).message).toMatch(/Map keys must be unique/);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdef'.split('').map((name, index) => `${name}: &${name} [${Array(9).fill(`*${'abcdef'[index]}`).join(', ')}]`)].join('\n');
    expect((await failure('json_yaml_convert', { input: bomb, direction: 'yaml_to_json' })).message).toMatch(/resource exhaustion/);
    expect((await failure('json_yaml_convert', { input: "{'a': 1}", direction: 'json_to_yaml' })).message).toMatch(/double quotes/);
  });
});

describe('csv_json_convert', () => {
  it('reads CSV with a header, quotes and a detected delimiter', async () => {
    const csv = 'name;city;note\nAda;London;"likes; semicolons"\nGrace;"New York";\n';

    expect(await run('csv_json_convert', { input: csv, direction: 'csv_to_json' })).toEqual({
      rows: [
        { name: 'Ada', city: 'London', note: 'likes; semicolons' },
        { name: 'Grace', city: 'New York', note: '' },
      ],
      fields: ['name', 'city', 'note'],
      rowCount: 2,
      delimiter: ';',
      errors: [],
    });
  });

  it('types values on request, dedupes headers, keeps __proto__ as a column and lists ragged rows', async () => {
    const result = await run('csv_json_convert', { input: 'id,id,__proto__\n1,true,x\n2\n', direction: 'csv_to_json', dynamicTyping: true });

    expect(result.rows).toEqual([
      JSON.parse('{"id": 1, "id_2": true, "__proto__": "x"}'),
      JSON.parse('{"id": 2, "id_2": null, "__proto__": null}'),
    ]);
    expect(result.errors).toEqual([{ row: 2, message: 'Row 2 has 1 fields, the header has 3' }]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('reads CSV without a header as arrays', async () => {
    expect(await run('csv_json_convert', { input: 'a\tb\n1\t2', direction: 'csv_to_json', header: false, delimiter: '\t' })).toMatchObject({
      rows: [['a', 'b'], ['1', '2']],
      fields: null,
    });
  });

  it('writes CSV from objects (union of keys) or arrays, quoting where needed', async () => {
    const objects = JSON.stringify([{ a: 1, b: 'x,y' }, { b: 'say "hi"', c: { nested: true } }]);

    expect(await run('csv_json_convert', { input: objects, direction: 'json_to_csv' })).toEqual({
      csv: 'a,b,c\r\n1,"x,y",\r\n,"say ""hi""","{""nested"":true}"',
      rowCount: 2,
      columns: ['a', 'b', 'c'],
    });
    expect((await run('csv_json_convert', { input: '[[1,2],[3,4]]', direction: 'json_to_csv', delimiter: ';' })).csv).toBe('1;2\r\n3;4');
  });

  it('rejects JSON that is not a list of rows', async () => {
    expect((await failure('csv_json_convert', { input: '{"a": 1}', direction: 'json_to_csv' })).message).toMatch(/must be an array/);
    expect((await failure('csv_json_convert', { input: '[{"a": 1}, 2]', direction: 'json_to_csv' })).message).toMatch(/every item must be an object/);
    await expect(run('csv_json_convert', { input: 'a', direction: 'csv_to_json', delimiter: '::' })).rejects.toThrow(ZodError);
  });
});

describe('json_format', () => {
  it('pretty-prints and minifies, keeping big numbers exact', async () => {
    expect(await run('json_format', { input: '{"id":12345678901234567890,"a":[1,{}]}' })).toEqual({
      output: '{\n  "id": 12345678901234567890,\n  "a": [\n    1,\n    {}\n  ]\n}',
    });
    expect(await run('json_format', { input: '{ "a" : [ 1 , 2 ] }', operation: 'minify' })).toEqual({ output: '{"a":[1,2]}' });
    expect((await run<{ output: string }>('json_format', { input: '[1]', indent: 'tab' })).output).toBe('[\n\t1\n]');
  });

  it('validates, reporting the type or where the error is', async () => {
    expect(await run('json_format', { input: ' "text" ', operation: 'validate' })).toEqual({ valid: true, type: 'string' });
    expect(await run('json_format', { input: '[1]', operation: 'validate' })).toEqual({ valid: true, type: 'array' });
    expect(await run('json_format', { input: '{\n  "a": 1,\n}', operation: 'validate' })).toEqual({
      valid: false,
      error: { message: 'Trailing comma before "}"', line: 3, column: 1, position: 12 },
    });
  });

  it('fails to format invalid JSON with the position', async () => {
    expect((await failure('json_format', { input: '[1, 2', operation: 'pretty' })).message).toBe(
      'Invalid JSON at line 1, column 6 (position 5): Unexpected end of text: expected "," or a closing bracket',
    );
  });
});
