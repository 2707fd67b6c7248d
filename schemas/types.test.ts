// schemas/types.ts is generated from the .avsc files; this holds the two equal.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateTypes, TYPES_FILE } from './generate-types.ts';

describe('schemas/types.ts', () => {
  it('equals what schemas/generate-types.ts makes of schemas/avro/*.avsc', () => {
    // On failure: node --import tsx schemas/generate-types.ts
    expect(readFileSync(TYPES_FILE, 'utf8')).toBe(generateTypes());
  });

  it('exports the row types other modules import', () => {
    const text = generateTypes();
    for (const name of [
      'EventEnvelope',
      'Direction',
      'Channel',
      'DebtorStatus',
      'LoanApplication',
      'Transaction',
      'Repayment',
      'StatementLine',
      'Statement',
      'Debtor',
      'PartnerRecord',
      'RiskFeatures',
      'TopicRecords',
      'TopicName',
    ]) {
      expect(text).toMatch(new RegExp(`^export (interface|type) ${name}\\b`, 'm'));
    }
  });
});
