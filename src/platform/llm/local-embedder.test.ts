import { createHash } from 'node:crypto';
import { cosineSimilarity, embed, embedMany } from 'ai';
import { describe, expect, it, vi } from 'vitest';
import {
  countLexicalTokens,
  DEFAULT_LOCAL_EMBEDDING_DIMENSIONS,
  embedText,
  MAX_LOCAL_EMBEDDING_DIMENSIONS,
} from './local-embedder.js';
import { createLocalEmbeddingModel } from './local-embedding-model.js';

/** The Euclidean length of a vector. */
function lengthOf(vector: number[]): number {
  return Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
}

/** Cosine similarity of two texts under the default embedder. */
function similarity(first: string, second: string): number {
  return cosineSimilarity(embedText(first), embedText(second));
}

/** The documents ordered from most to least similar to the query. */
function rank(query: string, documents: string[]): string[] {
  const scored = documents.map((document) => ({ document, score: similarity(query, document) }));
  return scored.sort((left, right) => right.score - left.score).map((entry) => entry.document);
}

describe('embedText: determinism', () => {
  it('gives the same vector for the same text on every call', () => {
    const text = 'Reset your password 重置密码 in 3 steps';

    expect(embedText(text)).toEqual(embedText(text));
    expect(embedText(text, 64)).toEqual(embedText(text, 64));
  });

  it('keeps the golden components of a short text (an algorithm change must be deliberate)', () => {
    const vector = embedText('Reset password');
    const nonZero = vector.flatMap((value, index) => (value === 0 ? [] : [[index, Number(value.toFixed(6))]]));

    expect(nonZero).toEqual([
      [25, -0.436436], [55, -0.218218], [62, 0.218218], [82, 0.218218], [116, 0.218218],
      [123, -0.218218], [145, -0.218218], [219, 0.218218], [220, -0.218218], [227, 0.218218],
      [230, -0.218218], [253, 0.218218], [262, 0.218218], [301, 0.218218], [331, 0.436436],
    ]);
  });

  it('keeps the golden hash of a mixed-script text rounded to six decimals', () => {
    const vector = embedText('Tiangong 天工: 如何重置密码? Reset passwords, running runs ＡＢＣ１２３ 2024!');
    const digest = createHash('sha256').update(vector.map((value) => value.toFixed(6)).join(',')).digest('hex');

    expect(digest).toBe('5a2b65856a7cd8fd227677139b2a4983ee0625ff4d43ebbc5d46769267abd492');
  });

  it('keeps the golden vector of a Chinese text in 16 dimensions', () => {
    const vector = embedText('如何重置密码', 16).map((value) => Number(value.toFixed(6)));

    expect(vector).toEqual([
      0.235702, 0, 0.471405, -0.235702, 0, 0.235702, -0.235702, -0.471405, 0, 0, 0, 0, 0.235702, 0, 0.235702,
      -0.471405,
    ]);
  });
});

describe('embedText: shape', () => {
  it.each([
    'password',
    'How do I reset my password?',
    '密码重置的步骤如下',
    'API 密钥 reset 方法',
    'Lorem ipsum dolor sit amet. '.repeat(200),
  ])('returns a unit vector of 384 numbers for %j', (text) => {
    const vector = embedText(text);

    expect(vector).toHaveLength(DEFAULT_LOCAL_EMBEDDING_DIMENSIONS);
    expect(lengthOf(vector)).toBeCloseTo(1, 12);
  });

  it.each(['', '   \n\t ', '?!, ... ---', 'the and of to is it', 'I am what I am', '的'])(
    'returns the zero vector for %j, whose cosine similarity with anything is 0',
    (text) => {
      const vector = embedText(text);

      expect(vector).toHaveLength(DEFAULT_LOCAL_EMBEDDING_DIMENSIONS);
      expect(vector.every((value) => value === 0)).toBe(true);
      expect(cosineSimilarity(vector, embedText('password'))).toBe(0);
      expect(cosineSimilarity(vector, vector)).toBe(0);
    },
  );

  it.each([1, 16, 1024, MAX_LOCAL_EMBEDDING_DIMENSIONS])('honours %d dimensions with a unit vector', (dimensions) => {
    const vector = embedText('reset my password', dimensions);

    expect(vector).toHaveLength(dimensions);
    expect(lengthOf(vector)).toBeCloseTo(1, 12);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, MAX_LOCAL_EMBEDDING_DIMENSIONS + 1])(
    'rejects %d dimensions with a RangeError',
    (dimensions) => {
      expect(() => embedText('password', dimensions)).toThrow(RangeError);
    },
  );
});

describe('embedText: English', () => {
  const documents = [
    'Boil the pasta for ten minutes, then drain it and add the sauce.',
    'To reset your password, open Settings and choose Reset password.',
    'The weather today is sunny with a light breeze from the west.',
  ];

  it('ranks the password reset document above weather and cooking for a password question', () => {
    expect(rank('how do I reset my password', documents)[0]).toBe(documents[1]);
    expect(similarity('how do I reset my password', documents[1]!)).toBeGreaterThan(0.5);
  });

  it('puts inflections closer than unrelated words', () => {
    expect(similarity('running', 'run')).toBeGreaterThan(similarity('run', 'banana'));
    expect(similarity('running', 'run')).toBeGreaterThan(0.5);
    expect(similarity('passwords', 'password')).toBeGreaterThan(0.5);
    expect(similarity('cached', 'caching')).toBeGreaterThan(0.5);
  });

  it('ignores case, whitespace and word order', () => {
    expect(embedText('  Reset \n  PASSWORD ')).toEqual(embedText('reset password'));
    expect(similarity('reset password', 'password reset')).toBeCloseTo(1, 10);
  });

  it('keeps numbers, matched whole rather than digit by digit', () => {
    expect(lengthOf(embedText('42'))).toBeCloseTo(1, 12);
    expect(similarity('2024', '2024')).toBeCloseTo(1, 12);
    expect(similarity('2024', '2023')).toBe(0);
  });

  it('is lexical, not semantic: a synonym without shared letters scores far below a shared word', () => {
    expect(similarity('car', 'automobile')).toBeLessThan(similarity('car', 'cars'));
  });
});

describe('embedText: Chinese, mixed and full-width text', () => {
  it('ranks the password reset steps above the weather for 如何重置密码', () => {
    const documents = ['今天天气很好', '密码重置的步骤如下'];

    expect(rank('如何重置密码', documents)).toEqual(['密码重置的步骤如下', '今天天气很好']);
    expect(similarity('如何重置密码', '今天天气很好')).toBe(0);
  });

  it('drops function characters from unigrams but not from bigrams', () => {
    expect(embedText('的').every((value) => value === 0)).toBe(true);
    expect(lengthOf(embedText('我的'))).toBeCloseTo(1, 12);
  });

  it('matches mixed Chinese-English text on both scripts', () => {
    const documents = ['今天天气很好', 'The weather is nice today', '重置 API key 的方法'];

    expect(rank('如何 reset API 密钥', documents)[0]).toBe('重置 API key 的方法');
    expect(similarity('api密码', 'API')).toBeGreaterThan(0.3);
    expect(similarity('api密码', '密码')).toBeGreaterThan(0.3);
  });

  it('embeds full-width characters exactly like their half-width forms', () => {
    expect(embedText('ＡＢＣ')).toEqual(embedText('abc'));
    expect(embedText('Ｒｅｓｅｔ　ｐａｓｓｗｏｒｄ　１２３')).toEqual(embedText('reset password 123'));
  });

  it('handles Japanese and Korean runs', () => {
    expect(similarity('パスワードをリセット', 'パスワードの変更')).toBeGreaterThan(0.3);
    expect(similarity('비밀번호 재설정', '비밀번호 변경')).toBeGreaterThan(0.3);
  });
});

describe('countLexicalTokens', () => {
  it.each([
    ['', 0],
    ['how do I reset my password', 6],
    ['如何重置密码', 6],
    ['API 密钥, reset!', 4],
    ["don't panic", 2],
  ])('counts %j as %d tokens', (text, tokens) => {
    expect(countLexicalTokens(text)).toBe(tokens);
  });
});

describe('createLocalEmbeddingModel', () => {
  it('describes itself as a v3 embedding model of the tiangong provider', () => {
    const model = createLocalEmbeddingModel();

    expect(model.specificationVersion).toBe('v3');
    expect(model.provider).toBe('tiangong');
    expect(model.modelId).toBe('local-lexical-384');
    expect(model.supportsParallelCalls).toBe(true);
    expect(createLocalEmbeddingModel({ dimensions: 64 }).modelId).toBe('local-lexical-64');
  });

  it('rejects invalid dimensions when created', () => {
    expect(() => createLocalEmbeddingModel({ dimensions: 0 })).toThrow(RangeError);
  });

  it('gives embed() the same vector as embedText and counts the tokens', async () => {
    const value = 'how do I reset my password';

    const result = await embed({ model: createLocalEmbeddingModel(), value });

    expect(result.embedding).toEqual(embedText(value));
    expect(result.usage.tokens).toBe(6);
  });

  it('gives embedMany() the vectors of embedText in input order with summed tokens', async () => {
    const values = ['如何重置密码', 'reset password', '', '今天天气很好'];

    const result = await embedMany({ model: createLocalEmbeddingModel({ dimensions: 32 }), values });

    expect(result.embeddings).toEqual(values.map((value) => embedText(value, 32)));
    expect(result.usage.tokens).toBe(6 + 2 + 0 + 6);
  });

  it('splits a batch larger than one call into chunks and keeps the order', async () => {
    const model = createLocalEmbeddingModel({ dimensions: 8 });
    const doEmbed = vi.spyOn(model, 'doEmbed');
    const values = Array.from({ length: 2100 }, (_, index) => `item ${index}`);

    const result = await embedMany({ model, values });

    expect(doEmbed).toHaveBeenCalledTimes(2);
    expect(result.embeddings).toHaveLength(2100);
    expect(result.embeddings[2099]).toEqual(embedText('item 2099', 8));
  });

  it('rejects an already aborted call without embedding', async () => {
    const model = createLocalEmbeddingModel();

    await expect(model.doEmbed({ values: ['password'], abortSignal: AbortSignal.abort() })).rejects.toThrow();
  });
});
