// The topologies the kill -9 crash tests run in a worker process, by name: the worker is told which
// one on its command line.
import type { Topology } from '../topology/topology.ts';
import { crashTopology } from './crash-topology.ts';
import { tableCrashTopology } from './table-crash-topology.ts';
import { timerCrashTopology } from './timer-crash-topology.ts';

export const CRASH_TOPOLOGIES = {
  balances: crashTopology,
  tables: tableCrashTopology,
  timers: timerCrashTopology,
} satisfies Record<string, (prefix: string) => Topology>;

export type CrashTopologyName = keyof typeof CRASH_TOPOLOGIES;
