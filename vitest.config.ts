import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // Test files share a worker's module cache instead of re-importing the whole app per file (that
    // import was most of each file's time); every file still gets its own database (setup.ts), and
    // no test mocks modules. Two workers even on two cores: most tests wait on a database or a socket.
    isolate: false,
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    setupFiles: ['src/test-kit/setup.ts'],
    globalSetup: ['src/test-kit/global-setup.ts'],
  },
});
