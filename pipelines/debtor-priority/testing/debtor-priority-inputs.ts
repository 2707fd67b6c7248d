// Inputs for debtor-priority tests: the generator's debtors (many updates each, statuses leaving and
// re-entering the worklist) and made-up risk scores for most of their customers (a few probabilities
// each; every fifth customer gets none, so pd = 0.5 for its debtors).
import type { Environment } from '../../../app/environment.ts';
import { generateEvents } from '../../../connectors/sources/generator/generator.ts';
import { partitionOfKey, type ProduceRecord } from '../../../engine/index.ts';
import { DEFAULT_PARTITIONS } from '../../../schemas/topics.ts';
import type { Debtor, RiskScore } from '../../../schemas/types.ts';

const DAY = 86_400_000;

export interface DebtorPriorityInputs {
  debtors: Debtor[];
  scores: RiskScore[];
}

export function generatedDebtors(events: number, seed: number): Debtor[] {
  return [...generateEvents({ events, seed })].flatMap((e) => (e.topic === 'debtors' ? [e.record] : []));
}

/**
 * `debtors` followed by moves: every `every`-th debtor (by first appearance) moves to a customer of
 * another partition (another task), and every other one of those moves back to its first customer
 * afterwards; a third of the moves carry an event time earlier than the debtor's previous record.
 */
export function withMoves(debtors: readonly Debtor[], every: number, partitions = DEFAULT_PARTITIONS): Debtor[] {
  const latest = new Map<string, Debtor>();
  for (const d of debtors) latest.set(d.debtor_id, d);
  const customers = [...new Set(debtors.map((d) => d.customer_id))].sort();
  const movers = [...latest.values()].filter((_, i) => i % every === 0);
  const tEnd = Math.max(...debtors.map((d) => d.event_time));
  const out = [...debtors];
  movers.forEach((d, i) => {
    const p = partitionOfKey(d.customer_id, partitions);
    const elsewhere = customers.filter((c) => partitionOfKey(c, partitions) !== p);
    const customer_id = elsewhere[i % elsewhere.length];
    out.push({ ...d, event_id: `${d.event_id}:moved`, event_time: i % 3 === 0 ? d.event_time - DAY : tEnd + i, customer_id });
  });
  movers.forEach((d, i) => {
    if (i % 2 === 0) out.push({ ...d, event_id: `${d.event_id}:back`, event_time: tEnd + DAY + i, days_past_due: d.days_past_due + 1 });
  });
  return out;
}

/**
 * Three risk scores per customer (but every fifth). `timing` 'during': spread over the debtors' time,
 * so probabilities change under debtors already listed; 'before': all earlier than the first debtor
 * record, so a task takes them all before any debtor (timestamp order) and the output is the same
 * whatever the batching, as a crash test needs.
 */
export function riskScoresFor(debtors: readonly Debtor[], seed: number, timing: 'during' | 'before' = 'during'): RiskScore[] {
  const customers = [...new Set(debtors.map((d) => d.customer_id))].sort();
  const t0 = Math.min(...debtors.map((d) => d.event_time));
  const out: RiskScore[] = [];
  let x = seed;
  const next = () => (x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  customers.forEach((customer_id, i) => {
    if (i % 5 === 0) return;
    for (let k = 0; k < 3; k++) {
      const event_time = timing === 'before' ? t0 - DAY + i * 1_000 + k : t0 + i * 60_000 + k * DAY;
      out.push({
        event_id: `${customer_id}:${k}`,
        tenant_id: 'acme-lending',
        event_time,
        customer_id,
        window_start: event_time - 30 * DAY,
        window_end: event_time,
        default_probability: Math.round(next() * 1000) / 1000,
        risk_band: 'C',
        model_name: 'default-risk',
        model_version: 1,
      });
    }
  });
  return out;
}

/** Produces the inputs onto the environment's log (missing topics created with the default partitions). */
export async function loadDebtorPriorityInputs(env: Environment, inputs: DebtorPriorityInputs): Promise<void> {
  const admin = env.backend.admin();
  try {
    const missing: string[] = [];
    for (const name of ['debtors', 'risk-scores']) if ((await admin.partitionCount(name)) === undefined) missing.push(name);
    if (missing.length > 0) await admin.createTopics(missing.map((name) => ({ name, partitions: DEFAULT_PARTITIONS })));
  } finally {
    await admin.close();
  }
  await env.serde.prepare(['debtors', 'risk-scores']);
  const records: ProduceRecord[] = [
    ...inputs.scores.map((s) => ({
      topic: 'risk-scores',
      key: Buffer.from(s.customer_id, 'utf8'),
      value: env.serde.encode('risk-scores', s),
      timestamp: s.event_time,
    })),
    ...inputs.debtors.map((d) => ({
      topic: 'debtors',
      key: Buffer.from(d.debtor_id, 'utf8'),
      value: env.serde.encode('debtors', d),
      timestamp: d.event_time,
    })),
  ];
  const producer = await env.backend.producer();
  try {
    for (let i = 0; i < records.length; i += 2000) await producer.send(records.slice(i, i + 2000));
  } finally {
    await producer.close();
  }
}
