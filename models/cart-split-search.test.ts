// The sweep must find the split ml-cart's own search finds: the same lowest error on every node,
// and the same column and threshold wherever that optimum is unique.
import { expect, it } from 'vitest';
import { regressionTreeNode, sweepBestSplit, type TransposedRows } from './cart-split-search.ts';
import { Random } from './random.ts';

it('finds the same best split as the library search', () => {
  const node = regressionTreeNode();
  const library = node.bestSplit.bind(node);
  const rng = new Random(12);
  let unique = 0;
  for (let trial = 0; trial < 40; trial++) {
    const n = rng.int(5, 120);
    // Numeric, one-hot and heavily tied columns, as encoded data sets have.
    const columns = [
      Array.from({ length: n }, () => rng.next()),
      Array.from({ length: n }, () => (rng.chance(0.3) ? 1 : 0)),
      Array.from({ length: n }, () => rng.int(0, 4)),
      Array.from({ length: n }, () => rng.normal()),
    ];
    const y = Array.from({ length: n }, (_, i) => (columns[0][i] + 0.5 * columns[1][i] + 0.4 * rng.next() > 0.9 ? 1 : 0));
    const xT: TransposedRows = { rows: columns.length, getRow: (i) => [...columns[i]] };
    const expected = library(xT, y);
    const got = sweepBestSplit(xT, y);
    if (expected.maxColumn === undefined) {
      expect(got.maxColumn).toBeUndefined();
      continue;
    }
    expect(got.maxGain).toBeCloseTo(expected.maxGain, 9);
    // Unique optimum: no other column reaches the same error.
    const others = columns.map((_, c) => c).filter((c) => c !== expected.maxColumn);
    const tie = others.some(
      (c) => Math.abs(sweepBestSplit({ rows: 1, getRow: () => [...columns[c]] }, y).maxGain - expected.maxGain) < 1e-9,
    );
    if (!tie) {
      unique++;
      expect([got.maxColumn, got.maxValue]).toEqual([expected.maxColumn, expected.maxValue]);
    }
  }
  expect(unique).toBeGreaterThan(20);
});
