import { describe, expect, it } from 'vitest';
import { customerInputSerde, type CustomerInput } from './customer-input.ts';

describe('repartition records of debtor-priority', () => {
  it('carry a debtor’s worklist fields and a departure exactly', () => {
    const debtor: CustomerInput = {
      kind: 'debtor',
      debtor: {
        tenant_id: 'acme',
        debtor_id: 'dbt-Ω-1',
        customer_id: 'cust-1',
        partner_id: 'partner-ace',
        debt_amount_cents: 2 ** 52,
        days_past_due: 0,
        status: 'WRITTEN_OFF',
        broken_promises: 2,
        contact_attempts: 9,
      },
      generation: 3,
      since: Date.UTC(2024, 0, 1),
    };
    expect(customerInputSerde.deserialize(customerInputSerde.serialize(debtor))).toEqual(debtor);
    for (const deleted of [false, true]) {
      const left: CustomerInput = { kind: 'left', debtorId: 'dbt-Ω-1', generation: 999_999, deleted };
      expect(customerInputSerde.deserialize(customerInputSerde.serialize(left))).toEqual(left);
    }
  });

  it('does not carry probabilities, which come from risk-scores in the customer’s own task', () => {
    expect(() => customerInputSerde.serialize({ kind: 'probability', pd: 0.5 })).toThrow(/does not go through/);
  });
});
