// The changelog value of a debtor's state (DebtorState), as a small Avro record rather than JSON:
// every debtor changed since the last commit is written at the commit.
import type { Serde } from '../../engine/index.ts';
import { internalRecordSerde } from '../../schemas/internal-record-serde.ts';
import { DEBTOR_ROW_AVRO_FIELDS } from './customer-input.ts';
import type { DebtorState } from './worklist-updater.ts';

export const debtorStateSerde: Serde<DebtorState> = internalRecordSerde<DebtorState>(
  {
    type: 'record',
    name: 'DebtorState',
    fields: [
      { name: 'generation', type: 'int' },
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
            ...DEBTOR_ROW_AVRO_FIELDS,
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
