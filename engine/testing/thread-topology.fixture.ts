// The topology of the stream-threads test, built inside each thread: accounts re-keyed to their
// customer (a repartition topic, so threads feed each other), a running total per customer, and a
// stateless filter of large amounts.
import type { StreamThreadSlot } from '../backend/backend.ts';
import type { StreamThreadApp } from '../streams/stream-thread-worker.ts';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { jsonSerde } from '../serdes/serde.ts';
import type { Topology } from '../topology/topology.ts';
import type { Backend } from '../backend/backend.ts';
import { readTopic, testEnvAt, type BackendKind } from './test-backends.ts';
import { pino } from 'pino';

export interface Payment {
  id: number;
  customer: string;
  amount: number;
}
export interface Total {
  count: number;
  sum: number;
}
export const LARGE_AMOUNT = 900;

export function threadTestTopology(prefix: string): Topology {
  const b = new StreamsBuilder();
  const payments = b.stream<Payment>(`${prefix}payments`, { valueSerde: jsonSerde<Payment>() });
  payments.filter((_, p) => p.amount > LARGE_AMOUNT).to(`${prefix}large`, { valueSerde: jsonSerde<Payment>() });
  payments
    .selectKey((_, p) => p.customer)
    .groupByKey()
    .aggregate<Total>(
      { init: () => ({ count: 0, sum: 0 }), add: (t, p) => ({ count: t.count + 1, sum: t.sum + p.amount }) },
      { storeName: 'totals', aggregateSerde: jsonSerde<Total>() },
    )
    .to(`${prefix}totals`, { valueSerde: jsonSerde<Total>() });
  return b.build();
}

export interface ThreadTestArgs {
  kind: BackendKind;
  dir: string;
  prefix: string;
  applicationId: string;
}

export async function threadTestApp(raw: unknown, thread: StreamThreadSlot): Promise<StreamThreadApp> {
  const args = raw as ThreadTestArgs;
  const env = testEnvAt(args.kind, args.dir, `${args.prefix}-thread${thread.index}`);
  const backend = await env.open();
  return {
    options: {
      applicationId: args.applicationId,
      topology: threadTestTopology(args.prefix),
      backend,
      stateDir: `${args.dir}/state`,
      logger: pino({ level: 'warn' }),
    },
    close: () => backend.close(),
  };
}

/** What the topology must have written for these payments: each customer's total, the large ids. */
export function expectedResults(all: Payment[]): { totals: Record<string, Total>; large: number[] } {
  const totals: Record<string, Total> = {};
  for (const p of all) {
    const t = totals[p.customer] ?? { count: 0, sum: 0 };
    totals[p.customer] = { count: t.count + 1, sum: t.sum + p.amount };
  }
  return { totals, large: all.filter((p) => p.amount > LARGE_AMOUNT).map((p) => p.id) };
}

/** What it wrote: the latest total per customer, and the large payments' ids in order. */
export async function readResults(backend: Backend, prefix: string): Promise<{ totals: Record<string, Total>; large: number[] }> {
  const totals: Record<string, Total> = {};
  for (const r of await readTopic(backend, `${prefix}totals`)) totals[r.key!.toString()] = JSON.parse(r.value!.toString()) as Total;
  const large = (await readTopic(backend, `${prefix}large`))
    .map((r) => (JSON.parse(r.value!.toString()) as Payment).id)
    .sort((a, b) => a - b);
  return { totals, large };
}
