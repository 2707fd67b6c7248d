// The custom-store and interactive-query tests' topology: a running balance per account in a
// SortedKeyValueStore (queryable), an account closed (deleted) by a movement that brings it to 0.
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import type { Processor, ProcessorContext } from '../processors/processor.ts';
import { jsonSerde } from '../serdes/serde.ts';
import { sortedKeyValueStore, SortedKeyValueStore } from '../state/sorted-key-value-store.ts';
import type { Topology } from '../topology/topology.ts';
import { pino } from 'pino';
import type { StreamThreadSlot } from '../backend/backend.ts';
import type { StreamThreadApp } from '../streams/stream-thread-worker.ts';
import { seededRandom, TEST_EPOCH, testEnvAt, type BackendKind } from './test-backends.ts';

export const BALANCES_STORE = 'balances';
const movementSerde = jsonSerde<{ cents: number }>();

export function balancesTopic(prefix: string): string {
  return `${prefix}-movements`;
}

class BalanceProcessor implements Processor<string, { cents: number }, never, never> {
  private store!: SortedKeyValueStore<number>;
  init(ctx: ProcessorContext<never, never>): void {
    this.store = ctx.getStateStore<SortedKeyValueStore<number>>(BALANCES_STORE);
  }
  process(key: string, value: { cents: number }): void {
    const balance = (this.store.get(key) ?? 0) + value.cents;
    if (balance === 0) this.store.delete(key);
    else this.store.put(key, balance);
  }
}

export function balancesTopology(prefix: string): Topology {
  const b = new StreamsBuilder();
  b.addStateStore(sortedKeyValueStore<number>(BALANCES_STORE, jsonSerde<number>(), { queryable: true }));
  b.stream(balancesTopic(prefix), { valueSerde: movementSerde }).process(() => new BalanceProcessor(), BALANCES_STORE);
  return b.build();
}

/** `n` movements over `accounts` accounts (from `seed`), some of which bring an account back to 0. */
export function movements(
  prefix: string,
  n: number,
  seed = 7,
  accounts = 40,
  firstId = 0,
): { topic: string; key: Buffer; value: Buffer; timestamp: number }[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const key = `acct-${String(Math.floor(rnd() * accounts)).padStart(3, '0')}`;
    const cents = Math.floor(rnd() * 200) - 80;
    return {
      topic: balancesTopic(prefix),
      key: Buffer.from(key),
      value: movementSerde.serialize({ cents })!,
      timestamp: TEST_EPOCH + firstId + i,
    };
  });
}

/** The balances `records` leave, as the store holds them (zero balances deleted). */
export function expectedBalances(records: { key: Buffer; value: Buffer }[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of records) {
    const key = r.key.toString();
    const b = (m.get(key) ?? 0) + movementSerde.deserialize(r.value).cents;
    if (b === 0) m.delete(key);
    else m.set(key, b);
  }
  return m;
}

export interface BalancesThreadArgs {
  kind: BackendKind;
  dir: string;
  prefix: string;
  applicationId: string;
}

/** Stream-thread factory of the balances topology (see stream-thread-worker.ts). */
export async function balancesThreadApp(raw: unknown, thread: StreamThreadSlot): Promise<StreamThreadApp> {
  const args = raw as BalancesThreadArgs;
  const backend = await testEnvAt(args.kind, args.dir, `${args.prefix}-thread${thread.index}`).open();
  return {
    options: {
      applicationId: args.applicationId,
      topology: balancesTopology(args.prefix),
      backend,
      stateDir: `${args.dir}/state`,
      logger: pino({ level: 'warn' }),
    },
    close: () => backend.close(),
  };
}
