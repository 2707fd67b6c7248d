// Vitest globalSetup: starts Kafka, the schema registry, ClickHouse and S3 once per `npm test`, and stops
// them in teardown (also on failure; the processes themselves die with this process, see child-process.ts).
//
// How tests see the services: both ways, so either works in a test file.
// 1. process.env of this (main) process is set here, before Vitest forks its workers (pool 'forks'),
//    and forked workers inherit the parent's environment.
// 2. The same variables are `provide`d as 'devServicesEnv'; dev/vitest-worker-env.ts (a setupFile) copies
//    them into each worker's process.env, which also covers pools that do not inherit the environment.
// Tests simply read process.env.KAFKA_BROKERS, SCHEMA_REGISTRY_URL, CLICKHOUSE_URL, S3_ENDPOINT, S3_BUCKET.
//
// RISKSTREAM_DEV_SERVICES=off skips starting anything (for quick unit-only runs).
import type { TestProject } from 'vitest/node';
import { startDevServices } from './services.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    devServicesEnv: Record<string, string>;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.RISKSTREAM_DEV_SERVICES === 'off') {
    project.provide('devServicesEnv', {});
    return async () => {};
  }
  const t0 = Date.now();
  const services = await startDevServices();
  Object.assign(process.env, services.env);
  project.provide('devServicesEnv', services.env);
  const summary = Object.entries(services.started)
    .map(([name, s]) => `${name} ${s.source} ${s.ms} ms`)
    .join(', ');
  process.stderr.write(`dev services ready in ${Date.now() - t0} ms (${summary})\n`);
  return async () => {
    await services.stop();
  };
}
