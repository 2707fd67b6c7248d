// Every pipeline riskstream can run, by name: what it reads, what it writes, how to build it.
import type { AvroSerde } from '../schemas/serde.ts';
import type { TopicName } from '../schemas/types.ts';
import type { Topology } from '../engine/index.ts';
import { riskFeaturesTopology, WINDOW_GRACE_MS, WINDOW_SIZE_MS } from '../pipelines/risk-features/topology.ts';

export interface TopologyOptions {
  /** Windows starting before this time are not emitted (they were emitted before a replay). */
  emitWindowsFrom?: number;
}

export interface PipelineDefinition {
  name: string;
  /** Consumer group, transactional-id and internal-topic prefix. */
  applicationId: string;
  /** Streams replayed from a point in time. */
  streamInputs: TopicName[];
  /** Tables (versioned): a replay re-reads them from the earliest offset, so as-of joins see all history. */
  tableInputs: TopicName[];
  outputs: TopicName[];
  /** How far before a replay point the streams must be re-read to rebuild every window still open there. */
  replayLookbackMs: number;
  topology(avro: AvroSerde, options: TopologyOptions): Topology;
}

export const PIPELINES: Record<string, PipelineDefinition> = {
  'risk-features': {
    name: 'risk-features',
    applicationId: 'riskstream-risk-features',
    streamInputs: ['transactions', 'repayments'],
    tableInputs: ['loan-applications'],
    outputs: ['risk-features'],
    replayLookbackMs: WINDOW_SIZE_MS + WINDOW_GRACE_MS,
    topology: riskFeaturesTopology,
  },
};

export class UnknownPipelineError extends Error {
  constructor(name: string) {
    super(`unknown pipeline '${name}' (known: ${Object.keys(PIPELINES).join(', ')}, or all)`);
    this.name = 'UnknownPipelineError';
  }
}

/** Resolves CLI names ('all' = every pipeline) to definitions, in catalog order, without duplicates. */
export function pipelinesNamed(names: readonly string[]): PipelineDefinition[] {
  if (names.includes('all')) return Object.values(PIPELINES);
  const out: PipelineDefinition[] = [];
  for (const n of names) {
    const def = PIPELINES[n];
    if (!def) throw new UnknownPipelineError(n);
    if (!out.includes(def)) out.push(def);
  }
  return out;
}

export function inputsOf(def: PipelineDefinition): TopicName[] {
  return [...def.streamInputs, ...def.tableInputs];
}
