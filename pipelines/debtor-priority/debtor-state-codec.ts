// The changelog value of a debtor's state (DebtorState), as a small Avro record rather than JSON:
// every debtor changed since the last commit is written at the commit.
import type { Serde } from '../../engine/index.ts';
import { internalRecordSerde } from '../../schemas/internal-record-serde.ts';
import { DEBTOR_STATUSES } from './worklist-heap.ts';
import type { DebtorState } from './worklist-updater.ts';

export const debtorStateSerde: Serde<DebtorState> = internalRecordSerde<DebtorState>(
  {
    type: 'record',
    name: 'DebtorState',
    fields: [
      { name: 'seq', type: 'long' },
      { name: 'time', type: 'long' },
      { name: 'broken_promises', type: 'int' },
      { name: 'contact_attempts', type: 'int' },
      { name: 'listed', type: 'boolean' },
      {
        name: 'row',
        type: {
          type: 'record',
          name: 'WorklistRow',
          fields: [
            { name: 'debtor_id', type: 'string' },
            { name: 'customer_id', type: 'string' },
            { name: 'partner_id', type: 'string' },
            { name: 'tenant_id', type: 'string' },
            { name: 'debt_amount_cents', type: 'long' },
            { name: 'days_past_due', type: 'int' },
            { name: 'status', type: { type: 'enum', name: 'DebtorStatus', symbols: [...DEBTOR_STATUSES] } },
            { name: 'default_probability', type: ['null', 'double'] },
            { name: 'priority_score', type: 'double' },
            { name: 'on_worklist', type: 'boolean' },
          ],
        },
      },
    ],
  },
  'debtor-priority: a debtor state',
);
