// Every pipeline riskstream can run: one line per pipeline folder. What each reads, writes and
// keeps is read off its topology.
import { riskFeatures } from '../pipelines/risk-features/pipeline.ts';
import { riskScores } from '../pipelines/risk-scores/pipeline.ts';
import { reconciliation } from '../pipelines/reconciliation/pipeline.ts';
import { debtorPriority } from '../pipelines/debtor-priority/pipeline.ts';
import type { Pipeline } from '../pipelines/pipeline.ts';
import type { Topology } from '../engine/index.ts';
import type { SchemaRegistryClient } from '../schemas/registry/registry-client.ts';
import { AvroSerde } from '../schemas/serde.ts';
import { isTopicName } from '../schemas/topics.ts';
import type { TopicName } from '../schemas/types.ts';

const CATALOG: readonly Pipeline[] = [riskFeatures, riskScores, reconciliation, debtorPriority];

export interface PipelineDefinition extends Pipeline {
  /** Consumer group, transactional-id and internal-topic prefix. */
  applicationId: string;
  /** Streams: a replay re-reads them from a point in time. */
  streamInputs: TopicName[];
  /** Tables: a replay re-reads them from the beginning, so as-of joins see all history. */
  tableInputs: TopicName[];
  outputs: TopicName[];
  /** Topics for records that arrived after every window they belong to had closed. */
  lateTopics: string[];
  /** How far before a replay point the streams must be re-read to rebuild every window still open there. */
  replayLookbackMs: number;
}

/** Building a topology only describes it: nothing may reach a registry meanwhile. */
const describeOnly: SchemaRegistryClient = {
  register: () => Promise.reject(new Error('a topology being described registers no schema')),
  schemaById: () => Promise.reject(new Error('a topology being described reads no schema')),
  latest: () => Promise.reject(new Error('a topology being described reads no schema')),
  subjects: () => Promise.reject(new Error('a topology being described reads no schema')),
};

/** The pipeline's topology built only to be described (its stores, topics): it may not run. */
export function describedTopology(pipeline: Pipeline): Topology {
  return pipeline.topology(new AvroSerde(describeOnly), {});
}

export function definitionOf(pipeline: Pipeline): PipelineDefinition {
  const topology = describedTopology(pipeline);
  const projectTopics = (topics: string[], what: string): TopicName[] =>
    topics.map((t) => {
      if (!isTopicName(t)) throw new Error(`pipeline ${pipeline.name} ${what} '${t}', which is not a project topic (schemas/topics.ts)`);
      return t;
    });
  return {
    ...pipeline,
    applicationId: `riskstream-${pipeline.name}`,
    streamInputs: projectTopics(topology.streamTopics(), 'reads'),
    tableInputs: projectTopics([...topology.tableTopics], 'reads'),
    outputs: projectTopics(topology.outputTopics(), 'writes'),
    lateTopics: [...topology.lateTopics],
    replayLookbackMs: topology.replayLookbackMs,
  };
}

export const PIPELINES: Readonly<Record<string, PipelineDefinition>> = Object.fromEntries(CATALOG.map((p) => [p.name, definitionOf(p)]));

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
