import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inputFieldsMarkdown, README, withInputFields } from './input-fields-table.ts';
import { INPUT_TOPICS } from './topics.ts';

describe("README's input fields table", () => {
  it('is the one generated from the .avsc files (node --import tsx schemas/input-fields-table.ts rewrites it)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme).toBe(withInputFields(readme));
  });

  it('lists every input topic with its fields and their types', () => {
    const md = inputFieldsMarkdown();
    for (const topic of INPUT_TOPICS) expect(md).toContain(`**${topic}** (key: `);
    expect(md).toContain('| `event_time` | timestamp-millis (epoch ms or ISO-8601, UTC) |  |');
    expect(md).toContain('| `direction` | enum: DEBIT, CREDIT |  |');
    expect(md).toContain('| `collateral_value_cents` | long (integer), or null / absent | minor units (cents); null = unsecured |');
  });
});
