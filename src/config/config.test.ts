import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

/** Runs loadConfig and returns the ConfigError it throws; fails the test when it does not throw one. */
function configErrorFor(source: Record<string, string>): ConfigError {
  try {
    loadConfig(source);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(source)}`);
}

describe('loadConfig defaults', () => {
  it('uses the documented defaults for an empty environment', () => {
    const config = loadConfig({});

    expect(config.env).toBe('development');
    expect(config.http.port).toBe(8038);
    expect(config.http.host).toBe('0.0.0.0');
    expect(config.http.corsOrigins).toEqual([]);
    expect(config.http.trustProxy).toBe(false);
    expect(config.dataDir).toBe('./data');
    expect(config.logLevel).toBe('info');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redis).toEqual({ url: undefined, prefix: 'tiangong:' });
    expect(config.auth.jwtSecret).toBeUndefined();
    expect(config.auth.tokenTtlSeconds).toBe(86_400);
    expect(config.encryptionKey).toBeUndefined();
  });

  it('keeps the version it is given', () => {
    expect(loadConfig({}, '1.2.3').version).toBe('1.2.3');
  });

  it('reads explicit values, coercing numbers and booleans', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      TRUST_PROXY: '1',
      DATA_DIR: '/srv/x',
    });

    expect(config.http).toMatchObject({ port: 9000, host: '127.0.0.1', trustProxy: true });
    expect(config.logLevel).toBe('debug');
    expect(config.dataDir).toBe('/srv/x');
  });
});

describe('loadConfig result', () => {
  it('is deeply frozen', () => {
    const config = loadConfig({ CORS_ORIGINS: 'https://a.test' });

    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.http)).toBe(true);
    expect(Object.isFrozen(config.http.corsOrigins)).toBe(true);
    expect(Object.isFrozen(config.auth.loginRateLimit)).toBe(true);
    expect(Object.isFrozen(config.redis)).toBe(true);
  });

  it('throws on assignment in strict mode, at the top and nested', () => {
    const config = loadConfig({ CORS_ORIGINS: 'https://a.test' });
    const mutable = config as unknown as { dataDir: string; http: { port: number; corsOrigins: string[] } };

    expect(() => {
      mutable.dataDir = '/elsewhere';
    }).toThrow(TypeError);
    expect(() => {
      mutable.http.port = 1;
    }).toThrow(TypeError);
    expect(() => mutable.http.corsOrigins.push('https://evil.test')).toThrow(TypeError);
    expect(config.http.port).toBe(8038);
    expect(config.http.corsOrigins).toEqual(['https://a.test']);
  });
});

describe('CORS_ORIGINS', () => {
  it('splits a comma list, trims entries and drops blanks', () => {
    const config = loadConfig({ CORS_ORIGINS: ' https://a.test, ,https://b.test ,,  ' });

    expect(config.http.corsOrigins).toEqual(['https://a.test', 'https://b.test']);
  });

  it.each(['', '   ', ' , ,'])('gives no origins for %j', (value) => {
    expect(loadConfig({ CORS_ORIGINS: value }).http.corsOrigins).toEqual([]);
  });
});

describe('empty strings', () => {
  const optionalVariables = [
    'DATABASE_URL',
    'REDIS_URL',
    'JWT_SECRET',
    'ENCRYPTION_KEY',
    'ADMIN_EMAIL',
    'ADMIN_PASSWORD',
    'OPENAI_BASE_URL',
    'PORT',
    'HOST',
    'LOG_LEVEL',
    'TRUST_PROXY',
    'JWT_TTL_SECONDS',
  ];

  it.each(optionalVariables)('treats %s="" (and blanks) as unset instead of invalid', (name) => {
    const empty = loadConfig({ [name]: '' });
    const blank = loadConfig({ [name]: '   ' });

    expect(empty).toEqual(loadConfig({}));
    expect(blank).toEqual(loadConfig({}));
  });
});

describe('invalid values', () => {
  it('lists every bad variable in one ConfigError', () => {
    const error = configErrorFor({
      PORT: 'abc',
      DATABASE_URL: 'mysql://x',
      JWT_SECRET: 'too-short',
      LOG_LEVEL: 'loud',
    });

    expect(error.name).toBe('ConfigError');
    expect(error.message).toMatch(/^Invalid configuration:/);
    for (const name of ['PORT', 'DATABASE_URL', 'JWT_SECRET', 'LOG_LEVEL']) {
      expect(error.message).toContain(`${name}:`);
    }
    expect(error.message).toContain('JWT_SECRET must be at least 32 characters');
    expect(error.message).not.toContain('HOST');
  });

  it.each([
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['NODE_ENV', 'staging'],
    ['TRUST_PROXY', 'yes'],
    ['JWT_TTL_SECONDS', '59'],
    ['BODY_LIMIT_BYTES', '10'],
    ['ADMIN_EMAIL', 'not-an-email'],
    ['ADMIN_PASSWORD', 'short'],
    ['OPENAI_BASE_URL', 'not a url'],
    ['OS_SECURITY_USER', 'not-an-email'],
  ])('rejects %s=%j', (name, value) => {
    expect(configErrorFor({ [name]: value }).message).toContain(`${name}:`);
  });
});

describe('AgentOS face', () => {
  it('reads the security key and the user it acts as', () => {
    const config = loadConfig({ OS_SECURITY_KEY: 'k3y', OS_SECURITY_USER: 'owner@example.test' });
    expect(config.agentOs).toEqual({ securityKey: 'k3y', securityUser: 'owner@example.test' });
  });
});

describe('DATABASE_URL', () => {
  it.each(['postgres://user@db.test:5432/app', 'postgresql://user:pw@db.test/app'])('accepts %s', (url) => {
    expect(loadConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
  });

  it.each(['mysql://db.test/app', 'http://db.test', 'postgres', 'db.test:5432'])('rejects %s', (url) => {
    expect(configErrorFor({ DATABASE_URL: url }).message).toContain('DATABASE_URL:');
  });
});

describe('REDIS_URL', () => {
  it.each(['redis://127.0.0.1:6379', 'rediss://cache.test:6380/2'])('accepts %s', (url) => {
    expect(loadConfig({ REDIS_URL: url }).redis.url).toBe(url);
  });

  it.each(['http://cache.test', 'memcached://cache.test', 'redis'])('rejects %s', (url) => {
    expect(configErrorFor({ REDIS_URL: url }).message).toContain('REDIS_URL:');
  });
});

describe('ENCRYPTION_KEY', () => {
  it('accepts base64 of 32 bytes', () => {
    const key = randomBytes(32).toString('base64');

    expect(loadConfig({ ENCRYPTION_KEY: key }).encryptionKey).toBe(key);
  });

  it('accepts 64 hex characters in either case', () => {
    const key = randomBytes(32).toString('hex');

    expect(loadConfig({ ENCRYPTION_KEY: key }).encryptionKey).toBe(key);
    expect(loadConfig({ ENCRYPTION_KEY: key.toUpperCase() }).encryptionKey).toBe(key.toUpperCase());
  });

  it.each([
    ['base64 of 16 bytes', randomBytes(16).toString('base64')],
    ['base64 of 48 bytes', randomBytes(48).toString('base64')],
    ['62 hex characters', randomBytes(31).toString('hex')],
    ['66 hex characters', randomBytes(33).toString('hex')],
    ['64 characters that are not hex', 'z'.repeat(64)],
    ['base64url of 32 bytes', `${'-_'.repeat(21)}A=`],
    ['a passphrase', 'correct horse battery staple'],
  ])('rejects %s', (_case, key) => {
    const error = configErrorFor({ ENCRYPTION_KEY: key });

    expect(error.message).toContain('ENCRYPTION_KEY must be 32 bytes as base64 or hex');
  });
});
