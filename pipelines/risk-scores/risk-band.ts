// Risk bands of a default probability: A below 5%, B below 10%, C below 20%, D below 40%, E the rest.
export type RiskBand = 'A' | 'B' | 'C' | 'D' | 'E';

const UPPER_BOUNDS: readonly [number, RiskBand][] = [
  [0.05, 'A'],
  [0.1, 'B'],
  [0.2, 'C'],
  [0.4, 'D'],
];

export function riskBandOf(probability: number): RiskBand {
  for (const [bound, band] of UPPER_BOUNDS) if (probability < bound) return band;
  return 'E';
}
