// The `reconciliation` section of the config file: defaults, a user's rule set, one-line refusals.
import { afterAll, describe, expect, it } from 'vitest';
import { TempDirs } from '../pipelines/testing/temp-dirs.ts';
import { resolveSettings } from './settings.ts';

describe('reconciliation settings', () => {
  const dirs = new TempDirs('riskstream-recon-settings-');
  afterAll(dirs.removeAll);

  function withConfig(yaml: string) {
    const config = dirs.file('riskstream.yaml', yaml);
    return () => resolveSettings({ config }, {});
  }

  it('default to within_tolerance (50 cents, 10 basis points), 7 days of book history, 7 days to report, 30 days to keep a closed case', () => {
    expect(resolveSettings({}, {}).reconciliation).toEqual({
      rules: [{ type: 'within_tolerance', name: 'within_tolerance', minCents: 50, basisPoints: 10 }],
      bookHistoryMs: 604_800_000,
      missingAfterMs: 604_800_000,
      closedCaseRetentionMs: 2_592_000_000,
    });
  });

  it("take a rule set from the config file, filling a rule's defaults", () => {
    const settings = withConfig(
      [
        'reconciliation:',
        '  missingAfterMs: 172800000',
        '  closedCaseRetentionMs: 86400000',
        '  rules:',
        '    - { type: status_equivalence, name: partner_names, equivalent: { OPEN: ACTIVE, "IN PLAN": PAYING } }',
        '    - { type: within_tolerance, minCents: 100 }',
      ].join('\n'),
    )();
    expect(settings.reconciliation).toEqual({
      rules: [
        { type: 'status_equivalence', name: 'partner_names', equivalent: { OPEN: 'ACTIVE', 'IN PLAN': 'PAYING' } },
        { type: 'within_tolerance', name: 'within_tolerance', minCents: 100, basisPoints: 10 },
      ],
      bookHistoryMs: 604_800_000,
      missingAfterMs: 172_800_000,
      closedCaseRetentionMs: 86_400_000,
    });
  });

  it('an empty rule list sends every difference to review', () => {
    expect(withConfig('reconciliation:\n  rules: []\n')().reconciliation.rules).toEqual([]);
  });

  it.each([
    [
      'an unknown rule type',
      '  rules:\n    - { type: round_down }',
      /^invalid setting reconciliation\.rules\.0(\.type)?: expected a rule with type within_tolerance or status_equivalence$/,
    ],
    [
      'a negative tolerance',
      '  rules:\n    - { type: within_tolerance, minCents: -1 }',
      /^invalid setting reconciliation\.rules\.0\.minCents: /,
    ],
    [
      'a fractional basis point',
      '  rules:\n    - { type: within_tolerance, basisPoints: 2.5 }',
      /^invalid setting reconciliation\.rules\.0\.basisPoints: /,
    ],
    [
      'a misspelt parameter',
      '  rules:\n    - { type: within_tolerance, mincents: 10 }',
      /^invalid setting reconciliation\.rules\.0: .*mincents/,
    ],
    [
      'a status that is not ours',
      '  rules:\n    - { type: status_equivalence, equivalent: { OPEN: OPEN } }',
      /^invalid setting reconciliation\.rules\.0\.equivalent\.OPEN: /,
    ],
    [
      'two rules of one name',
      '  rules:\n    - { type: within_tolerance }\n    - { type: within_tolerance, minCents: 9 }',
      /^invalid setting reconciliation\.rules: two rules have the same name; give each a name$/,
    ],
    ['a duration that is no number', '  missingAfterMs: soon', /^invalid setting reconciliation\.missingAfterMs: /],
    ['a zero book history', '  bookHistoryMs: 0', /^invalid setting reconciliation\.bookHistoryMs: /],
    ['a negative closed-case retention', '  closedCaseRetentionMs: -1', /^invalid setting reconciliation\.closedCaseRetentionMs: /],
    ['an unknown key', '  rulez: []', /^invalid setting reconciliation: .*rulez/],
  ])('refuse %s in one line naming the setting', (_what, body, message) => {
    const resolve = withConfig(`reconciliation:\n${body}\n`);
    expect(resolve).toThrow(message);
    try {
      resolve();
    } catch (err) {
      expect((err as Error).message).not.toContain('\n');
    }
  });
});
