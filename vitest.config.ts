import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/conformance/**', 'node_modules/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Reads the public sample payloads in ../shared/fixtures in place (CI has them; a user's clone may not).
        test: { name: 'conformance', include: ['test/conformance/**/*.test.ts'], testTimeout: 30_000 },
      },
    ],
  },
});
