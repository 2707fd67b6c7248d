import type { Pipeline } from '../pipeline.ts';
import { riskFeaturesTopology } from './topology.ts';

export const riskFeatures: Pipeline = {
  name: 'risk-features',
  description: 'windowed risk features per customer (30-day windows, daily) from transactions, repayments and loan applications',
  topology: riskFeaturesTopology,
};
