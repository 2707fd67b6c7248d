// What a pipeline is: a name and the topology it runs. The application reads everything else off
// the topology (inputs, tables, outputs, state, replay lookback), so a pipeline folder declares
// nothing twice.
import type { Topology } from '../engine/index.ts';
import type { AvroSerde } from '../schemas/serde.ts';
import type { ReconciliationOptions } from './reconciliation/options.ts';
import type { RiskFactors } from './debtor-priority/risk-factors.ts';

export interface TopologyOptions {
  /** Windows starting before this time are not emitted (they were emitted before a replay). */
  emitWindowsFrom?: number;
  /** The promoted models the pipeline named in `models`, loaded and kept current by the application. */
  models?: ReadonlyMap<string, PromotedModel>;
  /** The config file's `reconciliation` section (default: the contract's rule set and 7 days). */
  reconciliation?: ReconciliationOptions;
  /** The worklist's risk-factor map (`scoring.riskFactors` of the config file); default: the contract's. */
  riskFactors?: RiskFactors;
}

/** A model that scores one row of named features with a probability. */
export interface ScoringModel {
  name: string;
  version: number;
  score(features: Readonly<Record<string, number | string | null>>): number;
}

/** The promoted version of a model, swapped in place when another version is promoted. */
export interface PromotedModel {
  current(): ScoringModel;
}

export interface Pipeline {
  /** The name users type: `riskstream run <name>`. */
  name: string;
  /** One line for `riskstream run --help`. */
  description: string;
  /** Names of the promoted models the topology scores with (options.models holds them). */
  models?: readonly string[];
  topology(avro: AvroSerde, options: TopologyOptions): Topology;
  /**
   * Set when a replay from a point in time cannot give what a single run would (state that spans all
   * of time, no windows to rebuild): why, for the refusal. Such a pipeline replays from earliest only.
   */
  replayFromEarliestOnly?: string;
}
