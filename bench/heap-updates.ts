// Only the random-update figure of bench/heap-measure.ts, for quick comparisons:
//   node --expose-gc --max-old-space-size=16000 --import tsx bench/heap-updates.ts [debtors] [updates] [batch]
// (batch: updates per upsertMany call; 0, the default, one upsert per update)
// prints one JSON line: updates per wall second and per CPU second.
import { heapUpdatesPerS } from './heap-measure.ts';

const n = Number(process.argv[2] ?? 10_000_000);
const updates = Number(process.argv[3] ?? 5_000_000);
const batch = Number(process.argv[4] ?? 0);
const [r] = heapUpdatesPerS(n, updates, [batch]);
process.stdout.write(`${JSON.stringify({ debtors: n, batch, updates_per_s: r.wall, updates_per_cpu_s: r.cpu })}\n`);
