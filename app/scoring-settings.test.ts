// scoring.riskFactors: the CONTRACTS 9 defaults without a config file, a user's map from YAML or JSON
// (missing fields keep their defaults), and a one-line error naming the setting for a bad map.
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_RISK_FACTORS } from '../pipelines/debtor-priority/risk-factors.ts';
import { TempDirs } from '../pipelines/testing/temp-dirs.ts';
import { resolveSettings, SettingsError } from './settings.ts';

const dirs = new TempDirs('riskstream-scoring-');
afterAll(dirs.removeAll);

const configFile = (ext: 'yaml' | 'json', text: string): string => dirs.file(`riskstream.${ext}`, text);

function riskFactorsOf(ext: 'yaml' | 'json', text: string) {
  return resolveSettings({ config: configFile(ext, text) }, {}).scoring.riskFactors;
}

function errorOf(ext: 'yaml' | 'json', text: string): string {
  try {
    resolveSettings({ config: configFile(ext, text) }, {});
  } catch (err) {
    expect(err).toBeInstanceOf(SettingsError);
    return (err as Error).message;
  }
  throw new Error('expected a SettingsError');
}

describe('scoring.riskFactors', () => {
  it('defaults to the map of CONTRACTS 9', () => {
    expect(resolveSettings({}, {}).scoring.riskFactors).toEqual({
      daysPastDue: [
        { from: 0, factor: 0.6 },
        { from: 30, factor: 1.0 },
        { from: 60, factor: 1.4 },
        { from: 90, factor: 1.8 },
        { from: 180, factor: 0.9 },
      ],
      brokenPromiseWeight: 0.25,
      contactAttemptWeight: 0.05,
      defaultProbabilityWhenUnknown: 0.5,
    });
    expect(riskFactorsOf('yaml', 'logLevel: warn\n')).toEqual(DEFAULT_RISK_FACTORS);
    expect(riskFactorsOf('yaml', 'scoring: {}\n')).toEqual(DEFAULT_RISK_FACTORS);
  });

  it('reads a whole map from YAML', () => {
    const yaml = [
      'scoring:',
      '  riskFactors:',
      '    daysPastDue:',
      '      - { from: 0, factor: 1 }',
      '      - { from: 45, factor: 2.5 }',
      '    brokenPromiseWeight: 0.5',
      '    contactAttemptWeight: 0',
      '    defaultProbabilityWhenUnknown: 0.2',
      '',
    ].join('\n');
    expect(riskFactorsOf('yaml', yaml)).toEqual({
      daysPastDue: [
        { from: 0, factor: 1 },
        { from: 45, factor: 2.5 },
      ],
      brokenPromiseWeight: 0.5,
      contactAttemptWeight: 0,
      defaultProbabilityWhenUnknown: 0.2,
    });
  });

  it('keeps the defaults of the fields a JSON file leaves out', () => {
    expect(riskFactorsOf('json', '{"scoring":{"riskFactors":{"brokenPromiseWeight":1}}}')).toEqual({
      ...DEFAULT_RISK_FACTORS,
      brokenPromiseWeight: 1,
    });
  });

  it('refuses a bad map with one line naming the setting', () => {
    const cases: [string, RegExp][] = [
      [
        'daysPastDue: [{ from: 10, factor: 1 }]',
        /^invalid setting scoring\.riskFactors\.daysPastDue\.0\.from: the first band must start at 0, not 10$/,
      ],
      [
        'daysPastDue: [{ from: 0, factor: 1 }, { from: 60, factor: 2 }, { from: 30, factor: 3 }]',
        /^invalid setting scoring\.riskFactors\.daysPastDue\.2\.from: bands must ascend: 30 comes after 60$/,
      ],
      [
        'daysPastDue: [{ from: 0, factor: 1 }, { from: 0, factor: 2 }]',
        /^invalid setting scoring\.riskFactors\.daysPastDue\.1\.from: bands must ascend: 0 comes after 0$/,
      ],
      ['daysPastDue: []', /^invalid setting scoring\.riskFactors\.daysPastDue: expected at least one band$/],
      ['daysPastDue: [{ from: 0, factor: -1 }]', /^invalid setting scoring\.riskFactors\.daysPastDue\.0\.factor: /],
      ['daysPastDue: [{ from: 0.5, factor: 1 }]', /^invalid setting scoring\.riskFactors\.daysPastDue\.0\.from: /],
      ['daysPastDue: [{ from: 0, factr: 1 }]', /^invalid setting scoring\.riskFactors\.daysPastDue\.0\.factor: /],
      ['brokenPromiseWeight: -0.25', /^invalid setting scoring\.riskFactors\.brokenPromiseWeight: /],
      ['contactAttemptWeight: "much"', /^invalid setting scoring\.riskFactors\.contactAttemptWeight: /],
      ['defaultProbabilityWhenUnknown: 1.5', /^invalid setting scoring\.riskFactors\.defaultProbabilityWhenUnknown: /],
      ['brokenPromisesWeight: 1', /^invalid setting scoring\.riskFactors: .*brokenPromisesWeight/],
    ];
    for (const [riskFactors, message] of cases) {
      const text = errorOf('yaml', `scoring:\n  riskFactors: { ${riskFactors} }\n`);
      expect(text).toMatch(message);
      expect(text).not.toContain('\n');
    }
    expect(errorOf('yaml', 'scoring:\n  riskfactors: {}\n')).toMatch(/^invalid setting scoring: .*riskfactors/);
  });
});
