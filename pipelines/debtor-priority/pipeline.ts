import type { Pipeline } from '../pipeline.ts';
import { debtorPriorityTopology } from './topology.ts';

export const debtorPriority: Pipeline = {
  name: 'debtor-priority',
  description: 'the collection worklist: every debtor scored by amount, days past due, promises, contacts and default probability',
  topology: debtorPriorityTopology,
};
