// The risk-scores pipeline: every risk-features window scored with the promoted default-risk model.
// The model is read per record, so a newly promoted version scores the next record, and each
// record names the version that scored it.
import { StreamsBuilder, type Topology } from '../../engine/index.ts';
import type { AvroSerde } from '../../schemas/serde.ts';
import type { RiskFeatures, RiskScore } from '../../schemas/types.ts';
import { avroSerde } from '../../schemas/topic-serdes.ts';
import type { PromotedModel, ScoringModel, TopologyOptions } from '../pipeline.ts';
import { riskBandOf } from './risk-band.ts';

export const DEFAULT_RISK_MODEL = 'default-risk';

export function riskScoresTopology(avro: AvroSerde, options: TopologyOptions = {}): Topology {
  const model = options.models?.get(DEFAULT_RISK_MODEL) ?? unavailable(DEFAULT_RISK_MODEL);
  const b = new StreamsBuilder();
  b.stream<RiskFeatures>('risk-features', { valueSerde: avroSerde(avro, 'risk-features') })
    .mapValues((features) => scoreOf(features, model.current()))
    .to('risk-scores', { valueSerde: avroSerde(avro, 'risk-scores') });
  return b.build();
}

export function scoreOf(features: RiskFeatures, model: ScoringModel): RiskScore {
  const p = model.score(features as unknown as Record<string, number | string | null>);
  if (!(p >= 0 && p <= 1))
    throw new Error(`model ${model.name} v${model.version} gave ${p} for window ${features.event_id}, not a probability`);
  return {
    event_id: features.event_id,
    tenant_id: features.tenant_id,
    event_time: features.event_time,
    customer_id: features.customer_id,
    window_start: features.window_start,
    window_end: features.window_end,
    default_probability: p,
    risk_band: riskBandOf(p),
    model_name: model.name,
    model_version: model.version,
  };
}

/** Stands in for a model the application did not load: the catalog only describes the topology. */
function unavailable(name: string): PromotedModel {
  return {
    current: () => {
      throw new Error(`no '${name}' model was loaded for this topology`);
    },
  };
}
