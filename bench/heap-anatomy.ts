// Where a random priority update's time goes at n ids (see README "The heap at 10M debtors"):
//   node --expose-gc --max-old-space-size=16000 --import tsx bench/heap-anatomy.ts [n]
// prints one JSON line, each figure in ns per operation of CPU time, measured over 5M random picks.
import { IndexedHeap, seededRandom } from '../engine/index.ts';
import { hashString } from '../engine/heap/id-index.ts';

const n = Number(process.argv[2] ?? 10_000_000);
const m = 5_000_000; // a multiple of 1,000
const rnd = seededRandom(7);
const idOf = (i: number): string => `D-${String(i).padStart(8, '0')}`;
const ids = Array.from({ length: n }, (_, i) => idOf(i));
const heap = new IndexedHeap();
for (const id of ids) heap.upsert(id, rnd() * 1e6);
const picks = Int32Array.from({ length: m }, () => Math.floor(rnd() * n));
const priorities = Float64Array.from({ length: m }, () => rnd() * 1e6);
// One random cycle through all n elements (Sattolo), so a chase of big[j] never falls into a short loop.
const big = Int32Array.from({ length: n }, (_, i) => i);
for (let i = n - 1; i > 0; i--) {
  const j = Math.floor(rnd() * i);
  const t = big[i];
  big[i] = big[j];
  big[j] = t;
}

function nsPerOp(run: () => number): number {
  const c = process.cpuUsage();
  const sink = run();
  const used = process.cpuUsage(c);
  if (sink === 0.5) process.stdout.write(''); // keep the result alive
  return Math.round(((used.user + used.system) * 1000) / m);
}

const figures = {
  // one random read of an n-element Int32Array (independent reads: the CPU overlaps misses)
  random_read_ns: nsPerOp(() => {
    let s = 0;
    for (let i = 0; i < m; i++) s += big[picks[i]];
    return s;
  }),
  // one random read whose address depends on the previous read (a pointer chase: the full latency)
  dependent_read_ns: nsPerOp(() => {
    let j = 0;
    for (let i = 0; i < m; i++) j = big[j];
    return j;
  }),
  // the caller's id string: read its first char
  id_string_ns: nsPerOp(() => {
    let s = 0;
    for (let i = 0; i < m; i++) s += ids[picks[i]].charCodeAt(9);
    return s;
  }),
  // the caller's id string: hash all of it (what a lookup reads of it)
  id_hash_ns: nsPerOp(() => {
    let s = 0;
    for (let i = 0; i < m; i++) s += hashString(ids[picks[i]]);
    return s;
  }),
  // an id string made fresh (as a decoder makes a record's key), hashed
  fresh_id_hash_ns: nsPerOp(() => {
    let s = 0;
    for (let i = 0; i < m; i++) s += hashString(idOf(picks[i]));
    return s;
  }),
  // id -> slot
  lookup_ns: nsPerOp(() => {
    let s = 0;
    for (let i = 0; i < m; i++) s += heap.slotOf(ids[picks[i]]);
    return s;
  }),
  // id -> slot -> priority
  lookup_priority_ns: nsPerOp(() => {
    let s = 0;
    for (let i = 0; i < m; i++) s += heap.priorityAt(heap.slotOf(ids[picks[i]]));
    return s;
  }),
  // the whole update
  upsert_ns: nsPerOp(() => {
    let s = 0;
    for (let i = 0; i < m; i++) s += heap.upsert(ids[picks[i]], priorities[i]);
    return s;
  }),
  // the whole update, the id string made fresh
  upsert_fresh_ns: nsPerOp(() => {
    let s = 0;
    for (let i = 0; i < m; i++) s += heap.upsert(idOf(picks[i]), priorities[i]);
    return s;
  }),
  // the whole update, 1,000 at a time through upsertMany
  upsert_many_ns: nsPerOp(() => {
    const batch: string[] = new Array<string>(1000).fill('');
    for (let from = 0; from < m; from += 1000) {
      for (let k = 0; k < 1000; k++) batch[k] = ids[picks[from + k]];
      heap.upsertMany(batch, priorities.subarray(from, from + 1000));
    }
    return heap.size;
  }),
};
process.stdout.write(`${JSON.stringify({ n, ...figures })}\n`);
