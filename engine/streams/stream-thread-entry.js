// A stream thread's entry point: plain JavaScript so a Worker can start it under any runner
// (node, tsx, vitest); it registers tsx for the TypeScript behind it.
import { register } from 'tsx/esm/api';

register();
await import('./stream-thread-worker.ts');
