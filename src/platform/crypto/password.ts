import { hash, verify } from '@node-rs/argon2';

// The package's Algorithm is an ambient const enum (not importable as a value here); 2 is Argon2id.
const argon2id = 2;

/** Hashes and checks passwords; an interface so tests can use cheaper parameters. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hashed: string, password: string): Promise<boolean>;
}

/** argon2id cost parameters. */
export interface Argon2Options {
  /** KiB of memory per hash (OWASP minimum for argon2id: 19456). */
  memoryCost?: number;
  timeCost?: number;
  parallelism?: number;
}

/** argon2id with OWASP's recommended minimum parameters unless told otherwise. */
export function createArgon2Hasher(options: Argon2Options = {}): PasswordHasher {
  const parameters = {
    algorithm: argon2id,
    memoryCost: options.memoryCost ?? 19_456,
    timeCost: options.timeCost ?? 2,
    parallelism: options.parallelism ?? 1,
  };
  return {
    hash: (password) => hash(password, parameters),
    // A malformed stored hash is a failed check, not a crash.
    verify: (hashed, password) => verify(hashed, password).catch(() => false),
  };
}
