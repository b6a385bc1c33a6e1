import { afterAll } from 'vitest';
import { disposeSharedTestDatabase } from './test-database.js';

// Every test file gets its own database; release it when the file is done.
afterAll(async () => {
  await disposeSharedTestDatabase();
});
