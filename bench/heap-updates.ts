// Only the random-update figures of bench/heap-measure.ts, for quick comparisons:
//   node --expose-gc --max-old-space-size=16000 --import tsx bench/heap-updates.ts [debtors] [updates] [batch] [cold|fresh]
// (batch: updates per upsertMany call; 0, the default, one upsert per update; several, comma-separated,
// run one after the other on the same heap. cold, the default:
// each id string picked from an array of all ids; fresh: made per update, as a decoder makes it)
// prints one JSON line: updates per wall second and per CPU second.
import { heapUpdatesPerS } from './heap-measure.ts';

const n = Number(process.argv[2] ?? 10_000_000);
const updates = Number(process.argv[3] ?? 5_000_000);
const batches = (process.argv[4] ?? '0').split(',').map(Number);
const ids = process.argv[5] === 'fresh' ? 'fresh' : 'cold';
heapUpdatesPerS(n, updates, batches, ids).forEach((r, i) =>
  process.stdout.write(`${JSON.stringify({ debtors: n, batch: batches[i], ids, updates_per_s: r.wall, updates_per_cpu_s: r.cpu })}\n`),
);
