import type { Pipeline } from '../pipeline.ts';
import { reconciliationTopology } from './topology.ts';

export const reconciliation: Pipeline = {
  name: 'reconciliation',
  description: 'our book against the partners: discrepancies, rule resolutions, manual review and the audit trail',
  topology: reconciliationTopology,
  replayFromEarliestOnly: 'its case book and timers span all of time, and a decision re-read without its case would be refused',
};
