import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, type Config } from './config.js';

/** The secrets the server needs, resolved from the environment or from DATA_DIR. */
export interface Secrets {
  /** HS256 signing key for access tokens. */
  readonly jwtSecret: string;
  /** 32-byte AES-256-GCM key for secrets at rest. */
  readonly encryptionKey: Buffer;
}

const storedSecretsSchema = z.object({
  jwt_secret: z.string().min(32),
  encryption_key: z.string().regex(/^[A-Za-z0-9+/]{43}=$/),
});

function decodeKey(value: string): Buffer {
  return /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
}

function readOrCreateStored(dataDir: string): z.output<typeof storedSecretsSchema> {
  const file = path.join(dataDir, 'secrets.json');
  if (existsSync(file)) {
    let content: unknown;
    try {
      content = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      content = undefined;
    }
    const parsed = storedSecretsSchema.safeParse(content);
    if (!parsed.success) throw new ConfigError(`${file} is damaged; delete it to generate new secrets`);
    return parsed.data;
  }
  const stored = {
    jwt_secret: randomBytes(48).toString('base64url'),
    encryption_key: randomBytes(32).toString('base64'),
  };
  mkdirSync(dataDir, { recursive: true });
  try {
    // 'wx' so that two processes starting at once cannot overwrite each other's secrets.
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // The other process won the race: use what it wrote.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readOrCreateStored(dataDir);
    throw error;
  }
  chmodSync(file, 0o600);
  return stored;
}

/**
 * Takes JWT_SECRET and ENCRYPTION_KEY from the config; outside production a missing one is
 * generated once into DATA_DIR/secrets.json (mode 0600) so restarts keep tokens and ciphertexts valid.
 * In production a missing secret stops the start-up: generated secrets would differ per instance.
 */
export function resolveSecrets(config: Config): Secrets {
  const { jwtSecret } = config.auth;
  const { encryptionKey } = config;
  if (jwtSecret && encryptionKey) return { jwtSecret, encryptionKey: decodeKey(encryptionKey) };
  if (config.env === 'production') {
    const missing = [!jwtSecret && 'JWT_SECRET', !encryptionKey && 'ENCRYPTION_KEY'].filter(Boolean);
    throw new ConfigError(
      `${missing.join(' and ')} must be set when NODE_ENV=production ` +
        '(generate with: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'base64\'))")',
    );
  }
  const stored = readOrCreateStored(config.dataDir);
  return {
    jwtSecret: jwtSecret ?? stored.jwt_secret,
    encryptionKey: decodeKey(encryptionKey ?? stored.encryption_key),
  };
}
