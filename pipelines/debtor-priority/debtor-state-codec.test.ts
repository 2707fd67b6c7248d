import { describe, expect, it } from 'vitest';
import { debtorStateSerde } from './debtor-state-codec.ts';
import type { DebtorState } from './worklist-updater.ts';

const state: DebtorState = {
  generation: 999_999,
  seq: 123_456_789_012,
  time: Date.UTC(2024, 4, 1, 12),
  broken_promises: 3,
  contact_attempts: 17,
  listed: true,
  row: {
    debtor_id: 'dbt-Ünïcode-42',
    customer_id: 'cust-7',
    partner_id: 'partner-ace',
    tenant_id: 'acme',
    debt_amount_cents: 4_503_599_627_370_496,
    days_past_due: 181,
    status: 'PAYING',
    default_probability: 0.123456789,
    priority_score: 1234.5678901234567,
    on_worklist: true,
  },
};

describe('debtor state codec', () => {
  it('reads back what it wrote, numbers bit for bit', () => {
    expect(debtorStateSerde.deserialize(debtorStateSerde.serialize(state))).toEqual(state);
    const off: DebtorState = {
      ...state,
      listed: false,
      row: { ...state.row, status: 'SETTLED', on_worklist: false, default_probability: null },
    };
    expect(debtorStateSerde.deserialize(debtorStateSerde.serialize(off))).toEqual(off);
  });

  it('refuses bytes of another format', () => {
    expect(() => debtorStateSerde.deserialize(Buffer.from('{"seq":1}'))).toThrow(/debtor state/);
  });
});
