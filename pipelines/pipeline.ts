// What a pipeline is: a name and the topology it runs. The application reads everything else off
// the topology (inputs, tables, outputs, state, replay lookback), so a pipeline folder declares
// nothing twice.
import type { Topology } from '../engine/index.ts';
import type { AvroSerde } from '../schemas/serde.ts';

export interface TopologyOptions {
  /** Windows starting before this time are not emitted (they were emitted before a replay). */
  emitWindowsFrom?: number;
}

export interface Pipeline {
  /** The name users type: `riskstream run <name>`. */
  name: string;
  /** One line for `riskstream run --help`. */
  description: string;
  topology(avro: AvroSerde, options: TopologyOptions): Topology;
}
