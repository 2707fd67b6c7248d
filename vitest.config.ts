import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/.riskstream/**', 'dev/.cache/**'],
    // Real services (Kafka, ClickHouse, S3, schema registry) start once for the whole run; see the file's comment
    // for how their addresses reach the tests (process.env, and provide/inject via the setupFile).
    globalSetup: ['dev/vitest-global-setup.ts'],
    setupFiles: ['dev/vitest-worker-env.ts'],
    // Forks, not threads: chDB, Kafka clients and child processes behave as in a normal Node process.
    pool: 'forks',
    // The default output, then one plain 'N passed, N failed' line (dev/plain-summary-reporter.ts).
    reporters: ['default', './dev/plain-summary-reporter.ts'],
    // Integration tests talk to real brokers and servers on a shared 2-core machine.
    testTimeout: 120_000,
    // The first run may fetch Kafka's jars with Maven and apt-get install clickhouse-server.
    hookTimeout: 600_000,
    teardownTimeout: 60_000,
  },
});
