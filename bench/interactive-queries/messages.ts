// What the interactive-query bench and its processes tell each other over the fork IPC channel.
import type { QueryEndpoint } from '../../engine/index.ts';

export type BenchMessage = { type: 'stop' };
export type AppMessage =
  | { type: 'ready'; endpoint: QueryEndpoint }
  | { type: 'progress'; recordsIn: number }
  | { type: 'stopped'; recordsIn: number; cpuMs: number; loopDelayP99Ms: number; loopDelayMaxMs: number };
export type ProducerMessage = { type: 'produced' };
export type CallerMessage = { type: 'latencies'; latencies: { get: number[]; range: number[]; top: number[] } };
