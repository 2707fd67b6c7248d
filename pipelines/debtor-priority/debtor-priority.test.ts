// debtor-priority on generated debtors (many updates each, statuses leaving and re-entering the
// worklist) and changing default probabilities: the heaps of all tasks hold exactly the brute-force
// worklist, scores bit for bit and in order; the output's latest row per debtor is every debtor's
// current row; a no-op update emits nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmbeddedBackend, partitionOfKey, readTopic, StreamsApp, type Backend } from '../../engine/index.ts';
import { FileSchemaRegistry } from '../../schemas/registry/file-registry.ts';
import { AvroSerde } from '../../schemas/serde.ts';
import type { CollectionPriority, Debtor, RiskScore } from '../../schemas/types.ts';
import { generatedDebtors, riskScoresFor } from './testing/debtor-priority-inputs.ts';
import { referencePriorities, referenceWorklist, type WorklistRow as ReferenceRow } from './testing/reference-worklist.ts';
import { worklistOfChangelog } from './testing/worklist-of-changelog.ts';
import { debtorPriorityTopology } from './topology.ts';
import type { RiskFactors } from './risk-factors.ts';
import { compareWorklistRows } from './worklist-query.ts';

const APP = 'dp';

describe('debtor-priority topology', () => {
  let dir: string;
  let backend: Backend | undefined;
  afterEach(async () => {
    await backend?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function setUp(): Promise<{ log: Backend; avro: AvroSerde; produce: (debtors: Debtor[], scores: RiskScore[]) => Promise<void> }> {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'debtor-priority-'));
    const log = createEmbeddedBackend(path.join(dir, 'log'));
    backend = log;
    const avro = new AvroSerde(new FileSchemaRegistry(path.join(dir, 'registry')));
    await avro.prepare(['debtors', 'risk-scores', 'collection-priorities']);
    await log.admin().createTopics([
      { name: 'debtors', partitions: 4 },
      { name: 'risk-scores', partitions: 4 },
    ]);
    const produce = async (debtors: Debtor[], scores: RiskScore[]): Promise<void> => {
      const producer = await log.producer();
      await producer.send([
        ...debtors.map((d) => ({
          topic: 'debtors',
          key: Buffer.from(d.debtor_id),
          value: avro.encode('debtors', d),
          timestamp: d.event_time,
        })),
        ...scores.map((s) => ({
          topic: 'risk-scores',
          key: Buffer.from(s.customer_id),
          value: avro.encode('risk-scores', s),
          timestamp: s.event_time,
        })),
      ]);
      await producer.close();
    };
    return { log, avro, produce };
  }

  async function run(log: Backend, avro: AvroSerde, riskFactors?: RiskFactors): Promise<void> {
    const app = new StreamsApp({
      applicationId: APP,
      topology: debtorPriorityTopology(avro, { riskFactors }),
      backend: log,
      stateDir: path.join(dir, 'state'),
    });
    await app.runUntilIdle();
    await app.stop();
  }

  async function outputs(log: Backend, avro: AvroSerde): Promise<CollectionPriority[]> {
    return (await readTopic(log, 'collection-priorities')).map((r) => avro.decode('collection-priorities', r.value!));
  }

  it('keeps the brute-force worklist in the heaps and emits each debtor’s current row last', async () => {
    const { log, avro, produce } = await setUp();
    const debtors = generatedDebtors(20_000, 42);
    // A debtor first seen SETTLED, never on the worklist: it gets one record, on_worklist false.
    debtors.push({ ...debtors[0], debtor_id: 'dbt-settled', event_id: 'settled-1', status: 'SETTLED' });
    const scores = riskScoresFor(debtors, 7);
    const half = debtors.length >> 1;
    // Two runs (the second restores the first's state), the scores spread over both.
    await produce(debtors.slice(0, half), scores.slice(0, scores.length >> 1));
    await run(log, avro);
    await produce(debtors.slice(half), scores.slice(scores.length >> 1));
    await run(log, avro);

    const expected = referenceWorklist(debtors, scores);
    expect(expected.length).toBeGreaterThan(50);
    expect(expected.some((r) => r.default_probability === null)).toBe(true);
    expect(expected.some((r) => r.default_probability !== null)).toBe(true);
    expect(await worklistOfChangelog(log, APP)).toEqual(expected);
    const partner = expected[3].partner_id;
    expect(await worklistOfChangelog(log, APP, { partner })).toEqual(referenceWorklist(debtors, scores, { partner }));

    // The output: per debtor, event_ids numbered 1, 2, ... in order, event_times never moving back,
    // and the last record is the debtor's current row (off-worklist debtors included).
    const records = await outputs(log, avro);
    const byDebtor = new Map<string, CollectionPriority[]>();
    for (const r of records) byDebtor.set(r.debtor_id, [...(byDebtor.get(r.debtor_id) ?? []), r]);
    for (const [id, list] of byDebtor) {
      expect(list.map((r) => r.event_id)).toEqual(list.map((_, i) => `${id}:000001:${String(i + 1).padStart(12, '0')}`));
      for (let i = 1; i < list.length; i++) expect(list[i].event_time).toBeGreaterThanOrEqual(list[i - 1].event_time);
      for (let i = 1; i < list.length; i++) expect(stripEnvelope(list[i])).not.toEqual(stripEnvelope(list[i - 1]));
    }
    const latest = [...byDebtor.values()].map((list) => stripEnvelope(list[list.length - 1]));
    latest.sort((a, b) => Buffer.compare(Buffer.from(a.debtor_id), Buffer.from(b.debtor_id)));
    expect(latest).toEqual(referencePriorities(debtors, scores));
    expect(byDebtor.get('dbt-settled')!.map((r) => r.on_worklist)).toEqual([false]);
    // Statuses left and re-entered the worklist.
    expect(records.filter((r) => !r.on_worklist && byDebtor.get(r.debtor_id)!.at(-1)!.on_worklist).length).toBeGreaterThan(0);
  });

  it('moves a debtor to its new customer’s heap, takes a deleted one off and puts it back when re-sent', async () => {
    const { log, avro, produce } = await setUp();
    const debtors = generatedDebtors(20_000, 5);
    const scores = riskScoresFor(debtors, 2, 'before');
    await produce(debtors, scores);
    await run(log, avro);
    const latest = [...new Map(debtors.map((d) => [d.debtor_id, d])).values()].filter((d) => d.status === 'ACTIVE');
    const customers = [...new Set(debtors.map((d) => d.customer_id))];
    expect(latest.length).toBeGreaterThan(40);
    // 30 debtors move to another customer (with its own probability, most in another partition).
    const moved = latest.slice(0, 30).map((d, i) => ({
      ...d,
      event_id: `moved-${i}`,
      event_time: d.event_time + 1,
      customer_id: customers.find((c) => c !== d.customer_id && c.endsWith(String(i % 10)))!,
    }));
    const deleted = latest.slice(30, 40);
    await produce(moved, []);
    await tombstones(
      log,
      deleted.map((d) => d.debtor_id),
      moved[0].event_time,
    );
    await run(log, avro);
    const afterMoves = [...debtors, ...moved];
    const gone = new Set(deleted.map((d) => d.debtor_id));
    const expected = referenceWorklist(afterMoves, scores).filter((r) => !gone.has(r.debtor_id));
    expect(await worklistOfChangelog(log, APP)).toEqual(expected);
    const records = await outputs(log, avro);
    for (const d of moved) expect(records.filter((r) => r.debtor_id === d.debtor_id).at(-1)).toMatchObject({ customer_id: d.customer_id });

    // A deleted debtor's last record takes it off the worklist.
    for (const d of deleted) expect(records.filter((r) => r.debtor_id === d.debtor_id).at(-1)).toMatchObject({ on_worklist: false });

    // A deleted debtor sent again as it was: back on the worklist, with one record saying so.
    await produce([{ ...deleted[0], event_id: 'back', event_time: deleted[0].event_time + 2 }], []);
    await run(log, avro);
    gone.delete(deleted[0].debtor_id);
    expect(await worklistOfChangelog(log, APP)).toEqual(referenceWorklist(afterMoves, scores).filter((r) => !gone.has(r.debtor_id)));
    const again = await outputs(log, avro);
    expect(again.length).toBe(records.length + 1);
    expect(again.filter((r) => r.debtor_id === deleted[0].debtor_id).at(-1)).toMatchObject({ on_worklist: true });
  });

  it('keeps each debtor’s event_ids unique and the view’s row current across moves, deletions and re-creations', async () => {
    const { log, avro, produce } = await setUp();
    const debtors = generatedDebtors(20_000, 13);
    const scores = riskScoresFor(debtors, 5);
    const customers = [...new Set(debtors.map((d) => d.customer_id))].sort();
    /** The debtors topic as the pipeline reads it, in arrival order: a record or a tombstone. */
    const inputs: (Debtor | { deleted: string })[] = [...debtors];
    const latest = (): Map<string, Debtor> => {
      const m = new Map<string, Debtor>();
      for (const x of inputs)
        if ('deleted' in x) m.delete(x.deleted);
        else m.set(x.debtor_id, x);
      return m;
    };
    const t0 = Math.max(...debtors.map((d) => d.event_time));
    const allScores = [...scores];
    /** A customer whose partition (and so task) is not `customer`'s. */
    const elsewhere = (customer: string, i: number): string => {
      const p = partitionOfKey(customer, 4);
      const others = customers.filter((c) => partitionOfKey(c, 4) !== p);
      return others[i % others.length];
    };
    await produce(debtors, scores.slice(0, scores.length >> 1));
    await run(log, avro);

    const movers = [...latest().values()].filter((d) => d.status === 'ACTIVE' || d.status === 'PAYING').slice(0, 40);
    expect(movers.length).toBe(40);
    // Rounds of moves (to other tasks, some back again), deletions and re-creations (some under another
    // customer), with new probabilities for the old and new customers between them, at times both
    // earlier and later than the debtors' earlier records.
    for (let round = 0; round < 4; round++) {
      const batch: Debtor[] = [];
      const deletedNow: string[] = [];
      movers.forEach((m, i) => {
        const current = latest().get(m.debtor_id);
        const t = t0 + (round + 1) * 1_000_000 + (i % 3 === 0 ? -5_000_000 : i);
        if (current === undefined) {
          // Re-created: under its old customer or another one.
          const customer_id = i % 2 === 0 ? m.customer_id : elsewhere(m.customer_id, i + round);
          batch.push({ ...m, event_id: `re-${round}-${i}`, event_time: t, customer_id, days_past_due: m.days_past_due + round });
        } else if ((i + round) % 5 === 0) deletedNow.push(m.debtor_id);
        else if ((i + round) % 4 === 0)
          batch.push({ ...current, event_id: `stay-${round}-${i}`, event_time: t, debt_amount_cents: current.debt_amount_cents + 1 });
        else {
          const customer_id = round === 3 && i % 2 === 0 ? m.customer_id : elsewhere(current.customer_id, i + round);
          batch.push({ ...current, event_id: `move-${round}-${i}`, event_time: t, customer_id });
        }
      });
      const touched = [...new Set([...movers.map((m) => m.customer_id), ...batch.map((d) => d.customer_id)])];
      const roundScores: RiskScore[] = touched.map((customer_id, k) => ({
        ...scores[0],
        event_id: `pd-${round}-${k}`,
        customer_id,
        event_time: t0 + (round + 1) * 1_000_000 + (k % 2 === 0 ? 3_000_000 : -3_000_000),
        default_probability: ((round * 37 + k * 11) % 100) / 100,
      }));
      const half = roundScores.length >> 1;
      // Probabilities before and after the debtor records, in the same run.
      await produce([], roundScores.slice(0, half));
      await produce(batch, []);
      await tombstones(log, deletedNow, t0 + (round + 1) * 1_000_000);
      await produce([], roundScores.slice(half));
      inputs.push(...batch, ...deletedNow.map((id) => ({ deleted: id })));
      allScores.push(...roundScores);
      if (round !== 1) await run(log, avro);
    }
    await produce([], scores.slice(scores.length >> 1));
    allScores.push(...scores.slice(scores.length >> 1));
    await run(log, avro);

    const live = [...latest().values()];
    expect(live.length).toBeLessThan(new Set(debtors.map((d) => d.debtor_id)).size);
    const expected = referenceWorklist(live, allScores);
    // Each task's heap on its own (a debtor moved between tasks is in both changelogs).
    expect(await worklistOfChangelog(log, APP)).toEqual(expected);

    const records = await outputs(log, avro);
    // No event_id twice (the warehouse keeps one record per event_id).
    expect(new Set(records.map((r) => r.event_id)).size).toBe(records.length);
    // Per debtor, (event_time, event_id) order is (generation, sequence) order, each generation
    // numbered 1, 2, ... from one task.
    const byDebtor = new Map<string, CollectionPriority[]>();
    for (const r of records) byDebtor.set(r.debtor_id, [...(byDebtor.get(r.debtor_id) ?? []), r]);
    let generations = 0;
    for (const [id, list] of byDebtor) {
      const byView = [...list].sort(viewOrder);
      const parsed = byView.map((r) =>
        r.event_id
          .slice(id.length + 1)
          .split(':')
          .map(Number),
      );
      for (let i = 1; i < parsed.length; i++) {
        const [g0, s0] = parsed[i - 1];
        const [g1, s1] = parsed[i];
        expect(g1 === g0 ? s1 === s0 + 1 : g1 > g0 && s1 === 1, `${id}: ${byView[i - 1].event_id} then ${byView[i].event_id}`).toBe(true);
      }
      expect(parsed[0][1]).toBe(1);
      generations = Math.max(generations, parsed.at(-1)![0]);
    }
    expect(generations).toBeGreaterThanOrEqual(4);
    // The warehouse view's answer: per debtor the greatest (event_time, event_id), those on the worklist.
    const view = [...byDebtor.values()].map((list) => [...list].sort(viewOrder).at(-1)!);
    const onView = view.filter((r) => r.on_worklist).map(stripEnvelope);
    onView.sort(compareWorklistRows);
    expect(onView).toEqual(expected);
    // Off the view: every deleted debtor, and every live one whose row is off the worklist.
    const current = new Map(referencePriorities(live, allScores).map((r) => [r.debtor_id, r]));
    for (const r of view) {
      const want: ReferenceRow | undefined = current.get(r.debtor_id);
      if (want === undefined) expect(r.on_worklist, `${r.debtor_id} deleted`).toBe(false);
      else expect(stripEnvelope(r)).toEqual(want);
    }
  });

  it('emits nothing for a no-op update, one record for a change', async () => {
    const { log, avro, produce } = await setUp();
    const debtors = generatedDebtors(5_000, 9);
    const scores = riskScoresFor(debtors, 3);
    await produce(debtors, scores);
    await run(log, avro);
    const first = await outputs(log, avro);
    const before = first.length;
    const last = new Map(debtors.map((d) => [d.debtor_id, d]));
    const d = [...last.values()].find((x) => x.status === 'ACTIVE')!;
    const s = scores.filter((x) => x.customer_id === d.customer_id).at(-1) ?? scores.at(-1)!;
    // The same debtor record again (another event), the same probability again.
    await produce(
      [{ ...d, event_id: 'resent', event_time: d.event_time + 1 }],
      [{ ...s, event_id: 'same-pd', event_time: s.event_time + 1 }],
    );
    await run(log, avro);
    expect((await outputs(log, avro)).length).toBe(before);
    await produce([{ ...d, event_id: 'more-debt', event_time: d.event_time + 2, debt_amount_cents: d.debt_amount_cents + 100 }], []);
    await run(log, avro);
    const after = await outputs(log, avro);
    expect(after.length).toBe(before + 1);
    const seen = new Set(first.map((r) => r.event_id));
    expect(after.filter((r) => !seen.has(r.event_id))[0]).toMatchObject({
      debtor_id: d.debtor_id,
      debt_amount_cents: d.debt_amount_cents + 100,
      on_worklist: true,
    });
  });
});

/** Tombstones for the debtors, each to its key's partition. */
async function tombstones(log: Backend, debtorIds: string[], timestamp: number): Promise<void> {
  const producer = await log.producer();
  await producer.send(debtorIds.map((id) => ({ topic: 'debtors', key: Buffer.from(id), value: null, timestamp })));
  await producer.close();
}

/** The view's order of a debtor's records: event_time, then event_id. */
function viewOrder(a: CollectionPriority, b: CollectionPriority): number {
  return a.event_time - b.event_time || (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0);
}

function stripEnvelope(r: CollectionPriority): Omit<CollectionPriority, 'event_id' | 'event_time'> {
  const { event_id: _id, event_time: _t, ...row } = r;
  return row;
}
