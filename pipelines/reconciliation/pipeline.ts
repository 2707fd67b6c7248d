import type { Pipeline } from '../pipeline.ts';
import { reconciliationTopology } from './topology.ts';

export const reconciliation: Pipeline = {
  name: 'reconciliation',
  description: 'our book against the partners: discrepancies, rule resolutions, manual review and the audit trail',
  topology: reconciliationTopology,
};
