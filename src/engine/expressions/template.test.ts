import { describe, expect, it } from 'vitest';
import { MAX_TEMPLATE_LENGTH, renderTemplate, TemplateError } from './template.js';

function errorOf(template: string, data: unknown = {}, strict = false): TemplateError {
  try {
    renderTemplate(template, data, { strict });
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error(`"${template}" rendered without error`);
}

const data = {
  name: 'Ada',
  user: { name: 'Grace', address: { city: 'Arlington' } },
  items: [{ title: 'one' }, { title: 'two' }],
  tags: ['a', 'b', 'c'],
  empty: [],
  count: 0,
  enabled: true,
  html: '<b>"Tom" & \'Jerry\'</b>',
  nested: { list: [1, 2] },
};

describe('renderTemplate', () => {
  it.each([
    ['Hello {{name}}!', 'Hello Ada!'],
    ['Hello {{ name }}!', 'Hello Ada!'],
    ['{{user.name}} lives in {{user.address.city}}', 'Grace lives in Arlington'],
    ['{{#items}}[{{title}}]{{/items}}', '[one][two]'],
    ['{{#tags}}{{.}},{{/tags}}', 'a,b,c,'],
    ['{{#items}}{{title}} by {{name}};{{/items}}', 'one by Ada;two by Ada;'],
    ['{{#user}}{{name}}/{{address.city}}{{/user}}', 'Grace/Arlington'],
    ['{{#enabled}}on{{/enabled}}{{^enabled}}off{{/enabled}}', 'on'],
    ['{{#empty}}has{{/empty}}{{^empty}}none{{/empty}}', 'none'],
    ['{{#count}}non-zero{{/count}}{{^count}}zero{{/count}}', 'zero'],
    ['{{#missing}}shown{{/missing}}{{^missing}}absent{{/missing}}', 'absent'],
    ['{{nested}}', '{"list":[1,2]}'],
    ['{{tags.1}}', 'b'],
    ['{{count}} {{enabled}}', '0 true'],
    ['a{{! a comment }}b', 'ab'],
    ['no tags at all', 'no tags at all'],
    ['{{html}}', '<b>"Tom" & \'Jerry\'</b>'],
    ['', ''],
  ])('%j renders %j', (template, expected) => {
    expect(renderTemplate(template, data)).toEqual({ output: expected, missing: [] });
  });

  it('escapes HTML only when asked, and never in triple or & tags', () => {
    const escaped = renderTemplate('{{html}}|{{{html}}}|{{& html}}', data, { escapeHtml: true }).output;

    expect(escaped).toBe(
      '&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;|<b>"Tom" & \'Jerry\'</b>|<b>"Tom" & \'Jerry\'</b>',
    );
  });

  it('renders missing variables as empty text and lists each once', () => {
    expect(renderTemplate('{{a}}-{{user.nope}}-{{a}}-{{name}}', data)).toEqual({ output: '---Ada', missing: ['a', 'user.nope'] });
  });

  it('throws on a missing variable in strict mode', () => {
    expect(errorOf('Hi {{nobody}}', data, true).message).toBe('Missing variable "nobody" at position 3');
  });

  it('never reads prototype members', () => {
    const result = renderTemplate('{{constructor}}|{{name.length}}|{{__proto__}}|{{toString}}|{{#constructor}}x{{/constructor}}', data);

    expect(result.output).toBe('||||');
    expect(result.missing).toEqual(['constructor', 'name.length', '__proto__', 'toString']);
  });

  it('reads an own member called __proto__ as data', () => {
    const own = JSON.parse('{"__proto__": {"x": "own"}}') as unknown;

    expect(renderTemplate('{{__proto__.x}}', own).output).toBe('own');
  });

  it.each([
    ['{{name', /Unclosed tag at position 0: missing "}}"/],
    ['{{{name}}', /Unclosed tag at position 0: missing "}}}"/],
    ['{{#items}}x', /Section {{#items}} at position 0 is never closed/],
    ['{{#a}}{{/b}}', /Unexpected {{\/b}} at position 6: expected {{\/a}}/],
    ['{{/a}}', /no section is open/],
    ['{{a b}}', /Invalid name "a b"/],
    ['{{}}', /Invalid name ""/],
    ['{{user..name}}', /Invalid name/],
    ['{{name()}}', /Invalid name "name\(\)"/],
  ])('rejects %j', (template, message) => {
    expect(errorOf(template, data).message).toMatch(message);
  });

  it('rejects deep nesting, long templates and runaway output', () => {
    expect(errorOf('{{#a}}'.repeat(40) + '{{/a}}'.repeat(40)).message).toMatch(/nested too deeply/);
    expect(errorOf('x'.repeat(MAX_TEMPLATE_LENGTH + 1)).message).toMatch(/template is too long/);
    const big = { rows: Array.from({ length: 2_000 }, (_, index) => index) };
    expect(errorOf('{{#rows}}{{#rows}}{{.}}........{{/rows}}{{/rows}}', big).message).toMatch(/output is too long/);
  });

  it('stops nested loops that produce no output', () => {
    const big = { rows: Array.from({ length: 1_000 }, (_, index) => index) };
    const template = `${'{{#rows}}'.repeat(4)}${'{{/rows}}'.repeat(4)}`;

    expect(errorOf(template, big).message).toMatch(/too many steps/);
  });
});
