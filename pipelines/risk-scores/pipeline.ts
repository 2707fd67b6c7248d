import type { Pipeline } from '../pipeline.ts';
import { DEFAULT_RISK_MODEL, riskScoresTopology } from './topology.ts';

export const riskScores: Pipeline = {
  name: 'risk-scores',
  description: 'default probability and risk band of every risk-features window, from the promoted default-risk model',
  models: [DEFAULT_RISK_MODEL],
  topology: riskScoresTopology,
};
