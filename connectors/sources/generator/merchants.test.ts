import { describe, expect, it } from 'vitest';
import { categorizeText } from '../../categorizer/categorizer.ts';
import { EMPLOYERS, EVERYDAY_MERCHANTS, HOUSING_PAYEES, UTILITY_PAYEES } from './merchants.ts';

describe('the generator’s merchant table and the categorizer’s rules', () => {
  it('agree on every merchant and description', () => {
    for (const m of [...EVERYDAY_MERCHANTS, ...HOUSING_PAYEES, ...UTILITY_PAYEES]) {
      for (const d of m.descriptions) expect([m.name, d, categorizeText(m.name, d)]).toEqual([m.name, d, m.category]);
    }
    for (const employer of EMPLOYERS) expect(categorizeText(employer, 'Salary')).toBe('other');
    expect(categorizeText('M. Jones', 'Family support')).toBe('other');
  });

  it('covers all seven categories', () => {
    expect(new Set([...EVERYDAY_MERCHANTS, ...HOUSING_PAYEES].map((m) => m.category)).size).toBe(7);
  });
});
