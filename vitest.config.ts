import { defineConfig } from 'vitest/config';

/** Tests that start servers on loopback (the S3 and Blob emulators, the webhook server) or child processes. */
const INTEGRATION = 'test/**/*.integration.test.ts';
const timeouts = { testTimeout: 30_000, hookTimeout: 60_000 };

export default defineConfig({
  test: {
    projects: [
      {
        // Pure: no servers, no child processes (test/helpers/unit-isolation.ts fails a test that starts one).
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [INTEGRATION, 'test/infra/**', 'test/conformance/**', 'node_modules/**'],
          setupFiles: ['test/helpers/unit-isolation.ts'],
          ...timeouts,
        },
      },
      {
        test: { name: 'integration', include: [INTEGRATION], exclude: ['test/infra/**', 'test/conformance/**', 'node_modules/**'], ...timeouts },
      },
      {
        // The CDK stack, the Bicep templates and the function bundles (esbuild).
        test: { name: 'infra', include: ['test/infra/**/*.test.ts'], ...timeouts },
      },
      {
        // Reads the public sample payloads in ../shared/fixtures in place (CI has them; a user's clone may not).
        test: { name: 'conformance', include: ['test/conformance/**/*.test.ts'], ...timeouts },
      },
    ],
  },
});
