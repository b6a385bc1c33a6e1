import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { resolveSecrets } from './secrets.js';

let temporaryDirectory: string;

beforeEach(() => {
  temporaryDirectory = mkdtempSync(path.join(os.tmpdir(), 'tiangong-secrets-'));
});
afterEach(() => {
  rmSync(temporaryDirectory, { recursive: true, force: true });
});

function configWith(environment: Record<string, string> = {}) {
  return loadConfig({ NODE_ENV: 'test', DATA_DIR: temporaryDirectory, ...environment });
}

function secretsFile(): string {
  return path.join(temporaryDirectory, 'secrets.json');
}

function resolveError(environment: Record<string, string>): ConfigError {
  try {
    resolveSecrets(configWith(environment));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('resolveSecrets did not throw');
}

const longSecret = () => `jwt-${randomBytes(24).toString('hex')}`;

describe('resolveSecrets outside production', () => {
  it('generates both secrets into DATA_DIR/secrets.json with mode 0600', () => {
    const secrets = resolveSecrets(configWith());

    expect(existsSync(secretsFile())).toBe(true);
    expect(statSync(secretsFile()).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(secretsFile(), 'utf8')) as Record<string, string>;
    expect(stored.jwt_secret).toBe(secrets.jwtSecret);
    expect(secrets.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(Buffer.from(stored.encryption_key!, 'base64').equals(secrets.encryptionKey)).toBe(true);
    expect(secrets.encryptionKey).toHaveLength(32);
  });

  it('creates a DATA_DIR that does not exist yet', () => {
    const nested = path.join(temporaryDirectory, 'a', 'b');

    const secrets = resolveSecrets(configWith({ DATA_DIR: nested }));

    expect(existsSync(path.join(nested, 'secrets.json'))).toBe(true);
    expect(secrets.encryptionKey).toHaveLength(32);
  });

  it('returns the same secrets on a restart and leaves the file untouched', () => {
    const first = resolveSecrets(configWith());
    const contentAfterFirst = readFileSync(secretsFile(), 'utf8');

    const second = resolveSecrets(configWith());

    expect(second.jwtSecret).toBe(first.jwtSecret);
    expect(second.encryptionKey.equals(first.encryptionKey)).toBe(true);
    expect(readFileSync(secretsFile(), 'utf8')).toBe(contentAfterFirst);
  });

  it('prefers the environment values over the stored ones', () => {
    const stored = resolveSecrets(configWith());
    const jwtSecret = longSecret();
    const key = randomBytes(32);

    const fromJwt = resolveSecrets(configWith({ JWT_SECRET: jwtSecret }));
    const fromKey = resolveSecrets(configWith({ ENCRYPTION_KEY: key.toString('base64') }));

    expect(fromJwt.jwtSecret).toBe(jwtSecret);
    expect(fromJwt.encryptionKey.equals(stored.encryptionKey)).toBe(true);
    expect(fromKey.jwtSecret).toBe(stored.jwtSecret);
    expect(fromKey.encryptionKey.equals(key)).toBe(true);
  });

  it('writes no file when both secrets come from the environment', () => {
    const jwtSecret = longSecret();
    const encryptionKey = randomBytes(32).toString('hex');

    const secrets = resolveSecrets(configWith({ JWT_SECRET: jwtSecret, ENCRYPTION_KEY: encryptionKey }));

    expect(secrets.jwtSecret).toBe(jwtSecret);
    expect(readdirSync(temporaryDirectory)).toEqual([]);
  });

  it.each([
    ['hex', (key: Buffer) => key.toString('hex')],
    ['upper-case hex', (key: Buffer) => key.toString('hex').toUpperCase()],
    ['base64', (key: Buffer) => key.toString('base64')],
  ])('decodes a %s ENCRYPTION_KEY to the same 32 bytes', (_encoding, encode) => {
    const key = randomBytes(32);

    const secrets = resolveSecrets(configWith({ JWT_SECRET: longSecret(), ENCRYPTION_KEY: encode(key) }));

    expect(secrets.encryptionKey).toHaveLength(32);
    expect(secrets.encryptionKey.equals(key)).toBe(true);
  });
});

describe('resolveSecrets in production', () => {
  it.each<[string, Record<string, string>, string[]]>([
    ['both', {}, ['JWT_SECRET', 'ENCRYPTION_KEY']],
    ['JWT_SECRET', { ENCRYPTION_KEY: randomBytes(32).toString('base64') }, ['JWT_SECRET']],
    ['ENCRYPTION_KEY', { JWT_SECRET: longSecret() }, ['ENCRYPTION_KEY']],
  ])('refuses to start without %s, naming only what is missing, and writes nothing', (_case, given, missing) => {
    const error = resolveError({ NODE_ENV: 'production', ...given });

    for (const name of ['JWT_SECRET', 'ENCRYPTION_KEY']) {
      if (missing.includes(name)) expect(error.message).toContain(name);
      else expect(error.message).not.toContain(name);
    }
    expect(error.message).toContain('NODE_ENV=production');
    expect(readdirSync(temporaryDirectory)).toEqual([]);
  });

  it('ignores an existing secrets.json: production secrets come from the environment only', () => {
    resolveSecrets(configWith());

    const error = resolveError({ NODE_ENV: 'production' });

    expect(error.message).toContain('JWT_SECRET and ENCRYPTION_KEY');
  });

  it('starts when both secrets are set', () => {
    const key = randomBytes(32);
    const jwtSecret = longSecret();

    const secrets = resolveSecrets(
      configWith({ NODE_ENV: 'production', JWT_SECRET: jwtSecret, ENCRYPTION_KEY: key.toString('hex') }),
    );

    expect(secrets).toEqual({ jwtSecret, encryptionKey: key });
    expect(readdirSync(temporaryDirectory)).toEqual([]);
  });
});

describe('a damaged secrets.json', () => {
  it.each([
    ['not JSON', '{ this is not json'],
    ['an empty file', ''],
    ['JSON of the wrong type', '[1, 2, 3]'],
    ['a missing field', JSON.stringify({ jwt_secret: 'x'.repeat(40) })],
    ['a short jwt_secret', JSON.stringify({ jwt_secret: 'short', encryption_key: randomBytes(32).toString('base64') })],
    [
      'a 16-byte key',
      JSON.stringify({ jwt_secret: 'x'.repeat(40), encryption_key: randomBytes(16).toString('base64') }),
    ],
  ])('throws ConfigError for %s and does not overwrite it', (_case, content) => {
    writeFileSync(secretsFile(), content);

    const error = resolveError({});

    expect(error.message).toContain(secretsFile());
    expect(error.message).toContain('damaged');
    expect(readFileSync(secretsFile(), 'utf8')).toBe(content);
  });
});
