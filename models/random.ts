// Seeded shuffling for folds, permutations and tie-free sampling: the generator's PRNG, so that
// the same seed gives the same folds on every machine.
import { Random } from '../connectors/sources/generator/random.ts';

export { Random };

/** Fisher–Yates, in place; returns the array. */
export function shuffle<T>(items: T[], rng: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
