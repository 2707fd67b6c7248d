// The heap figures, measured in a child process of their own (bench/heap.ts starts it) so that
// resident memory per debtor is the store's and nothing else's, with gc() exposed:
//   node --expose-gc --max-old-space-size=16000 --import tsx bench/heap-measure.ts [debtors]
// prints one JSON line of figures. Debtors: 10M by default, ids like D-00012345, 200 partners,
// 5 tenants, scores from the CONTRACTS §9 formula on random debtor fields.
import { fileURLToPath } from 'node:url';
import { IndexedHeap, seededRandom } from '../engine/index.ts';
import type { WorklistRow } from '../pipelines/debtor-priority/worklist-heap.ts';
import { encodeWorklistRow } from '../pipelines/debtor-priority/worklist-row-codec.ts';
import { WorklistStore } from '../pipelines/debtor-priority/worklist-store.ts';

const PARTNERS = 200;
const TENANTS = 5;
/** Updates per upsertMany() call in the batched update figures. */
const UPDATE_BATCH = 1000;

const debtorId = (i: number): string => `D-${String(i).padStart(8, '0')}`;

function fDpd(dpd: number): number {
  return dpd < 30 ? 0.6 : dpd < 60 ? 1.0 : dpd < 90 ? 1.4 : dpd < 180 ? 1.8 : 0.9;
}

function debtorRow(i: number, rnd: () => number): WorklistRow {
  const debt = Math.floor(rnd() * 5_000_000) + 1000;
  const dpd = Math.floor(rnd() * 400);
  const pd = rnd() < 0.1 ? null : rnd();
  const promises = Math.floor(rnd() * 4);
  const contacts = Math.floor(rnd() * 20);
  return {
    debtor_id: debtorId(i),
    customer_id: `C-${String(i * 7 + 3).padStart(9, '0')}`,
    partner_id: `partner-${Math.floor(rnd() * PARTNERS)}`,
    tenant_id: `tenant-${Math.floor(rnd() * TENANTS)}`,
    debt_amount_cents: debt,
    days_past_due: dpd,
    status: rnd() < 0.8 ? 'ACTIVE' : 'PAYING',
    default_probability: pd,
    priority_score: (debt / 100) * fDpd(dpd) * (1 / (1 + 0.25 * promises)) * (1 / (1 + 0.05 * contacts)) * (1 - (pd ?? 0.5)),
    on_worklist: true,
  };
}

/** Every debtor's changelog entry in one buffer: u16 key length, key, u16 value length, value. */
function changelogOf(n: number): Buffer {
  const rnd = seededRandom(42);
  const parts: Buffer[] = [];
  let chunk = Buffer.allocUnsafe(64 << 20);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const row = debtorRow(i, rnd);
    const value = encodeWorklistRow(row);
    if (o + 4 + 32 + value.length > chunk.length) {
      parts.push(chunk.subarray(0, o));
      chunk = Buffer.allocUnsafe(64 << 20);
      o = 0;
    }
    const keyLength = chunk.write(row.debtor_id, o + 2, 'latin1');
    chunk.writeUInt16LE(keyLength, o);
    o += 2 + keyLength;
    o = chunk.writeUInt16LE(value.length, o);
    o += value.copy(chunk, o);
  }
  parts.push(chunk.subarray(0, o));
  return Buffer.concat(parts);
}

function restoreFrom(store: WorklistStore, log: Buffer): void {
  for (let o = 0; o < log.length;) {
    const k = log.readUInt16LE(o);
    const key = log.subarray(o + 2, o + 2 + k);
    o += 2 + k;
    const v = log.readUInt16LE(o);
    store.restore(key, log.subarray(o + 2, o + 2 + v));
    o += 2 + v;
  }
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('heap bench: run node with --expose-gc');
  collect();
  collect();
}

function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];
}

/** Seconds of CPU this process spent (user + system) since `since`: on a shared machine, wall time also counts waiting for a core. */
function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

/** Updates per wall second and per CPU second. */
export interface UpdateRate {
  wall: number;
  cpu: number;
}

/**
 * Random priority updates of present ids per second, in a generic IndexedHeap of n ids, for each
 * batch size in `batches`, one after the other on the same heap: 0 is one upsert() per update;
 * more is upsertMany() of that many updates at a time (as a stream task applies a poll's records),
 * the batch's id array filled inside the timed loop. `ids`: 'cold' takes each update's id string
 * from an array of all n ids (a random read of a string among 10M, ~1 us at 10M when the next
 * update waits for it); 'fresh' makes the string in the timed loop, as a decoder hands a record's key.
 */
export function heapUpdatesPerS(
  n: number,
  updates: number,
  batches: readonly number[] = [0],
  ids: 'cold' | 'fresh' = 'cold',
): UpdateRate[] {
  const rnd = seededRandom(7);
  const heap = new IndexedHeap();
  const all = Array.from({ length: n }, (_, i) => debtorId(i));
  for (const id of all) heap.upsert(id, rnd() * 1e6);
  const idOf = ids === 'cold' ? (i: number): string => all[i] : debtorId;
  if (ids === 'fresh') all.length = 0;
  return batches.map((batch) => {
    const picks = Int32Array.from({ length: updates }, () => Math.floor(rnd() * n));
    const priorities = Float64Array.from({ length: updates }, () => rnd() * 1e6);
    const batchIds: string[] = new Array<string>(batch).fill('');
    const started = performance.now();
    const cpu = process.cpuUsage();
    if (batch === 0) for (let i = 0; i < updates; i++) heap.upsert(idOf(picks[i]), priorities[i]);
    else
      for (let from = 0; from < updates; from += batch) {
        const count = Math.min(batch, updates - from);
        for (let k = 0; k < count; k++) batchIds[k] = idOf(picks[from + k]);
        heap.upsertMany(batchIds, priorities.subarray(from, from + count), count);
      }
    return { wall: Math.round((updates * 1000) / (performance.now() - started)), cpu: Math.round(updates / cpuSeconds(cpu)) };
  });
}

export function measureHeap(n: number): Record<string, number> {
  const figures: Record<string, number> = {};
  const log = changelogOf(n);
  gc();
  const before = process.memoryUsage();

  // Restore a fresh store from the changelog (the path after a crash or a deleted state dir).
  const store = new WorklistStore('worklist');
  let started = performance.now();
  const cpu = process.cpuUsage();
  restoreFrom(store, log);
  figures.heap_restore_10m_s = Number(((performance.now() - started) / 1000).toFixed(2));
  figures.heap_restore_10m_cpu_s = Number(cpuSeconds(cpu).toFixed(2));
  if (store.size() !== n) throw new Error(`heap bench: restored ${store.size()} debtors, expected ${n}`);
  gc();
  const after = process.memoryUsage();
  figures.heap_bytes_per_debtor = Math.round((after.rss - before.rss) / n);
  figures.heap_js_bytes_per_debtor = Math.round((after.heapUsed - before.heapUsed + after.arrayBuffers - before.arrayBuffers) / n);

  // Top 100 while the worklist moves: 200 queries of each kind, 2,000 random score changes between.
  const rnd = seededRandom(99);
  const plain: number[] = [];
  const byPartner: number[] = [];
  const byPartnerTenant: number[] = [];
  const time = (samples: number[], query: () => WorklistRow[]): void => {
    const t = performance.now();
    if (query().length !== 100) throw new Error('heap bench: top 100 returned fewer rows');
    samples.push(performance.now() - t);
  };
  const puts = 200 * 2000;
  let putTime = 0;
  let putCpu = 0;
  for (let q = 0; q < 200; q++) {
    const t = performance.now();
    const c = process.cpuUsage();
    for (let u = 0; u < 2000; u++) {
      const row = store.get(debtorId(Math.floor(rnd() * n))) as WorklistRow;
      row.priority_score = rnd() * 50_000;
      store.put(row);
    }
    store.takeChanges();
    putTime += performance.now() - t;
    putCpu += cpuSeconds(c);
    const partner = `partner-${Math.floor(rnd() * PARTNERS)}`;
    time(plain, () => store.top(100));
    time(byPartner, () => store.top(100, { partner }));
    time(byPartnerTenant, () => store.top(100, { partner, tenant: `tenant-${Math.floor(rnd() * TENANTS)}` }));
  }
  figures.worklist_top100_p99_ms = Number(p99(plain).toFixed(3));
  figures.worklist_top100_partner_p99_ms = Number(p99(byPartner).toFixed(3));
  figures.worklist_top100_partner_tenant_p99_ms = Number(p99(byPartnerTenant).toFixed(3));
  figures.worklist_puts_per_s = Math.round((puts * 1000) / putTime);
  figures.worklist_puts_per_cpu_s = Math.round(puts / putCpu);

  started = performance.now();
  let dumped = 0;
  for (const e of store.dump()) dumped += e.key.length;
  figures.heap_dump_10m_s = Number(((performance.now() - started) / 1000).toFixed(2));
  if (dumped === 0) throw new Error('heap bench: empty dump');

  const [large, largeBatched] = heapUpdatesPerS(n, 5_000_000, [0, UPDATE_BATCH]);
  figures.heap_updates_per_s = large.wall;
  figures.heap_updates_per_cpu_s = large.cpu;
  figures.heap_updates_batched_per_s = largeBatched.wall;
  figures.heap_updates_batched_per_cpu_s = largeBatched.cpu;
  const [fresh, freshBatched] = heapUpdatesPerS(n, 5_000_000, [0, UPDATE_BATCH], 'fresh');
  figures.heap_updates_fresh_ids_per_s = fresh.wall;
  figures.heap_updates_fresh_ids_per_cpu_s = fresh.cpu;
  figures.heap_updates_fresh_ids_batched_per_s = freshBatched.wall;
  figures.heap_updates_fresh_ids_batched_per_cpu_s = freshBatched.cpu;
  const [small, smallBatched] = heapUpdatesPerS(1_000_000, 5_000_000, [0, UPDATE_BATCH]);
  figures.heap_updates_1m_per_s = small.wall;
  figures.heap_updates_1m_per_cpu_s = small.cpu;
  figures.heap_updates_1m_batched_per_s = smallBatched.wall;
  figures.heap_updates_1m_batched_per_cpu_s = smallBatched.cpu;
  return figures;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const n = Number(process.argv[2] ?? 10_000_000);
  process.stdout.write(`${JSON.stringify(measureHeap(n))}\n`);
}
