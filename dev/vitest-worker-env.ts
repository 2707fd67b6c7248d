// Vitest setupFile: puts the dev services' variables (provided by dev/vitest-global-setup.ts) into this
// worker's process.env, without overriding what the environment already says.
import { inject } from 'vitest';

for (const [key, value] of Object.entries(inject('devServicesEnv') ?? {})) {
  if (process.env[key] === undefined) process.env[key] = value;
}
