import { describe, expect, it } from 'vitest';
import { JsonPathError, MAX_JSON_PATH_NODES, parseJsonPath, queryJsonPath } from './json-path.js';

function store() {
  return {
    store: {
      book: [
        { category: 'reference', author: 'Nigel Rees', title: 'Sayings of the Century', price: 8.95 },
        { category: 'fiction', author: 'Evelyn Waugh', title: 'Sword of Honour', price: 12.99 },
        { category: 'fiction', author: 'Herman Melville', title: 'Moby Dick', isbn: '0-553-21311-3', price: 8.99 },
        { category: 'fiction', author: 'J. R. R. Tolkien', title: 'The Lord of the Rings', isbn: '0-395-19395-8', price: 22.99 },
      ],
      bicycle: { color: 'red', price: 399 },
    },
    threshold: 10,
    'odd key': { "it's": 1 },
  };
}

function values(path: string, document: unknown = store()): unknown[] {
  return queryJsonPath(document, path).map((match) => match.value);
}

function errorOf(path: string, document: unknown = store()): JsonPathError {
  try {
    queryJsonPath(document, path);
  } catch (error) {
    if (error instanceof JsonPathError) return error;
    throw error;
  }
  throw new Error(`"${path}" ran without error`);
}

describe('queryJsonPath', () => {
  it.each<[string, unknown[]]>([
    ['$', [store()]],
    ['$.threshold', [10]],
    ['$.store.bicycle.color', ['red']],
    ["$['store']['bicycle']['color']", ['red']],
    ['$["store"].bicycle["price"]', [399]],
    ['$.store.book[0].title', ['Sayings of the Century']],
    ['$.store.book[-1].title', ['The Lord of the Rings']],
    ['$.store.book[-5]', []],
    ['$.store.book[9]', []],
    ['$.store.book[*].author', ['Nigel Rees', 'Evelyn Waugh', 'Herman Melville', 'J. R. R. Tolkien']],
    ['$.store.book[0,2].price', [8.95, 8.99]],
    ['$.store.book[1:3].price', [12.99, 8.99]],
    ['$.store.book[:2].price', [8.95, 12.99]],
    ['$.store.book[-2:].price', [8.99, 22.99]],
    ['$.store.book[::2].price', [8.95, 8.99]],
    ['$.store.book[::-1].price', [22.99, 8.99, 12.99, 8.95]],
    ['$.store.book[0:4:0]', []],
    ['$.store.bicycle.*', ['red', 399]],
    ['$..author', ['Nigel Rees', 'Evelyn Waugh', 'Herman Melville', 'J. R. R. Tolkien']],
    ['$.store..price', [8.95, 12.99, 8.99, 22.99, 399]],
    ['$..book[2].title', ['Moby Dick']],
    ['$..book[?(@.price < 10)].title', ['Sayings of the Century', 'Moby Dick']],
    ['$..book[?@.price >= 12.99].title', ['Sword of Honour', 'The Lord of the Rings']],
    ['$..book[?(@.isbn)].title', ['Moby Dick', 'The Lord of the Rings']],
    ['$..book[?(!@.isbn)].title', ['Sayings of the Century', 'Sword of Honour']],
    ["$..book[?(@.category == 'fiction' && @.price < 10)].title", ['Moby Dick']],
    ["$..book[?(@.category == 'reference' || @.price > 20)].title", ['Sayings of the Century', 'The Lord of the Rings']],
    ["$..book[?((@.price < 9 || @.price > 20) && @.category != 'reference')].title", ['Moby Dick', 'The Lord of the Rings']],
    ['$..book[?(@.price > $.threshold)].title', ['Sword of Honour', 'The Lord of the Rings']],
    ['$..book[?(@["author"] == "Herman Melville")].price', [8.99]],
    ['$.store.book[?(@.title > "S")].title', ['Sayings of the Century', 'Sword of Honour', 'The Lord of the Rings']],
    ['$.store.book[?(@.price == "8.95")]', []],
    ['$.store.book[?(@.missing == null)]', []],
    ['$.store.book[?(@.missing == @.alsoMissing)].price', [8.95, 12.99, 8.99, 22.99]],
    ['$.store[?(@.color == "red")].price', [399]],
    ["$['odd key']['it\\'s']", [1]],
    ['$.nothing.here', []],
    ['$.threshold.deeper', []],
  ])('%s', (path, expected) => {
    expect(values(path)).toEqual(expected);
  });

  it('returns normalized paths beside the values', () => {
    expect(queryJsonPath(store(), '$..book[?(@.price > 20)].title')).toEqual([
      { path: "$['store']['book'][3]['title']", value: 'The Lord of the Rings' },
    ]);
    expect(queryJsonPath({ "it's": { 'a\nb': 1 } }, '$.*.*')).toEqual([{ path: "$['it\\'s']['a\\nb']", value: 1 }]);
  });

  it('compares arrays and objects by value', () => {
    const document = { items: [{ tags: ['a', 'b'] }, { tags: ['b', 'a'] }, { tags: { a: 1 } }] };

    expect(queryJsonPath(document, "$.items[?(@.tags == $.items[0].tags)]").map((match) => match.path)).toEqual([
      "$['items'][0]",
    ]);
  });

  it('reads own members only, never the prototype chain', () => {
    const document = JSON.parse('{"a": {}, "__proto__": {"polluted": true}}') as unknown;

    expect(values('$.a.constructor', document)).toEqual([]);
    expect(values('$.a.__proto__', document)).toEqual([]);
    expect(values('$.a.toString', document)).toEqual([]);
    expect(values("$['__proto__'].polluted", document)).toEqual([true]);
    expect(values('$[?(@.constructor)]', document)).toEqual([]);
    expect(values('$.length', [1, 2, 3])).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('walks very deep documents with `..` without overflowing the stack', () => {
    let deep: unknown = { leaf: 'bottom' };
    for (let level = 0; level < 20_000; level++) deep = { next: deep };

    expect(values('$..leaf', deep)).toEqual(['bottom']);
  });

  it('follows a long chain of selectors into a deep document', () => {
    let deep: unknown = 'bottom';
    for (let level = 0; level < 400; level++) deep = [deep];

    expect(values(`$${'[0]'.repeat(400)}`, deep)).toEqual(['bottom']);
    expect(values(`$${'[0]'.repeat(401)}`, deep)).toEqual([]);
  });

  it('stops queries that select too many nodes', () => {
    const wide = { items: Array.from({ length: 500 }, (_, index) => ({ index, tags: Array.from({ length: 10 }, () => 'x') })) };

    // The items array, 500 items, their 2 members each, and 10 tags each.
    expect(values('$..*', wide)).toHaveLength(1 + 500 + 500 * 2 + 500 * 10);
    let chain: unknown = 'end';
    for (let level = 0; level < 200; level++) chain = { next: chain };
    // Each `..*` multiplies: about 200, then 20 000, then 1.3 million nodes.
    expect(values('$..*..*', chain)).toHaveLength((199 * 200) / 2);
    expect(errorOf('$..*..*..*', chain).message).toMatch(`more than ${MAX_JSON_PATH_NODES}`);
  });

  it.each([
    ['', /must start with "\$" at position 0/],
    ['store.book', /must start with "\$"/],
    ['$.', /Expected a member name or "\*"/],
    ['$..', /Expected a member name/],
    ['$.store.book[', /Expected a quoted name, an index, a slice/],
    ['$.store.book[0', /Expected "\]" at position 14/],
    ["$['unterminated", /Unterminated string/],
    ["$['bad \\q escape']", /Invalid escape "\\q"/],
    ['$.store book', /Unexpected "b" at position 8/],
    ['$[?(@.price <)]', /Expected @, \$, a string, a number/],
    ['$[?(@.price < 10]', /Expected "\)"/],
    ['$[?(10)]', /comparison operator after the literal/],
    ['$[?(@..price)]', /"\.\." is not allowed inside a filter/],
    ['$[?(@.a[*])]', /only use names and indexes/],
    ['$[?(@[?(@.a)])]', /only use names and indexes/],
    ['$[99999999999999999999]', /Index is out of range/],
    ['$.constructor(', /Unexpected "\("/],
  ])('rejects %j', (path, message) => {
    expect(errorOf(path).message).toMatch(message);
  });

  it('rejects very long paths and deeply nested filters with clear errors', () => {
    expect(errorOf(`$${'.a'.repeat(1_001)}`).message).toMatch(/too long \(2003 characters, limit 2000\)/);
    expect(errorOf(`$[?${'('.repeat(100)}@.a${')'.repeat(100)}]`).message).toMatch(/nested too deeply/);
    expect(errorOf(`$[?${'!'.repeat(100)}@.a]`).message).toMatch(/nested too deeply/);
  });

  it('parses once and reuses the parsed segments', () => {
    const segments = parseJsonPath('$.items[*].id');

    expect(queryJsonPath({ items: [{ id: 1 }, { id: 2 }] }, segments).map((match) => match.value)).toEqual([1, 2]);
    expect(queryJsonPath({ items: [{ id: 3 }] }, segments).map((match) => match.value)).toEqual([3]);
  });

  it('treats primitives and null documents as leaves', () => {
    expect(values('$', null)).toEqual([null]);
    expect(values('$.a', 'text')).toEqual([]);
    expect(values('$[0]', 'text')).toEqual([]);
    expect(values('$..*', 42)).toEqual([]);
  });
});
