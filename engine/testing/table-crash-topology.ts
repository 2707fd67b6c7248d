// A table topology for the kill -9 test of tables: a debtors table whose changelog is its source
// topic, summed per partner through a repartition topic (adder and subtractor), its changes
// streamed out, and a payments stream joined with its current value.
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { jsonSerde } from '../serdes/serde.ts';
import type { Topology } from '../topology/topology.ts';
import { seededRandom, TEST_EPOCH } from './test-backends.ts';

export interface CrashDebtor {
  partner: string;
  balance: number;
}

export const crashDebtorSerde = jsonSerde<CrashDebtor>();
const amountSerde = jsonSerde<number>();

export function tableCrashTopics(prefix: string): { debtors: string; payments: string; changes: string; sums: string; joined: string } {
  return {
    debtors: `${prefix}-debtors`,
    payments: `${prefix}-payments`,
    changes: `${prefix}-changes`,
    sums: `${prefix}-sums`,
    joined: `${prefix}-joined`,
  };
}

export function tableCrashTopology(prefix: string): Topology {
  const t = tableCrashTopics(prefix);
  const b = new StreamsBuilder();
  const debtors = b.table(t.debtors, { valueSerde: crashDebtorSerde, storeName: 'debtors' });
  debtors.toStream().to(t.changes, { valueSerde: crashDebtorSerde });
  debtors
    .groupBy((_k, d) => [d.partner, d.balance], { name: 'by-partner' })
    .aggregate(
      () => 0,
      (_k, v, s) => s + v,
      (_k, v, s) => s - v,
      { storeName: 'partner-sums' },
    )
    .toStream()
    .to(t.sums, { valueSerde: amountSerde });
  b.stream(t.payments, { valueSerde: amountSerde })
    .leftJoin(debtors, (amount, d) => `${amount}@${d?.partner ?? 'none'}`)
    .to(t.joined, { valueSerde: jsonSerde<string>() });
  return b.build();
}

/** Deterministic input: n records, a fifth of them debtor updates (some tombstones), the rest payments. */
export function tableCrashInput(prefix: string, n: number): { topic: string; key: Buffer; value: Buffer | null; timestamp: number }[] {
  const t = tableCrashTopics(prefix);
  const rnd = seededRandom(31);
  const out = [];
  for (let i = 0; i < n; i++) {
    const key = Buffer.from(`d${Math.floor(rnd() * 200)}`);
    const timestamp = TEST_EPOCH + 10_000 + i;
    if (rnd() < 0.2) {
      const value =
        rnd() < 0.1 ? null : crashDebtorSerde.serialize({ partner: `p${Math.floor(rnd() * 10)}`, balance: Math.floor(rnd() * 1000) });
      out.push({ topic: t.debtors, key, value, timestamp });
    } else out.push({ topic: t.payments, key, value: amountSerde.serialize(i), timestamp });
  }
  return out;
}
