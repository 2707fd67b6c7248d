// The event-time bounds settings: defaults, config file, environment over the file, bad values named.
import { afterAll, describe, expect, it } from 'vitest';
import { TempDirs } from '../pipelines/testing/temp-dirs.ts';
import { resolveSettings, SettingsError } from './settings.ts';

describe('event-time bounds settings', () => {
  const dirs = new TempDirs('riskstream-settings-');
  afterAll(dirs.removeAll);

  it('default to 2000-01-01 and 1 day', () => {
    const s = resolveSettings({}, {});
    expect(s.minEventTime).toBe(Date.UTC(2000, 0, 1));
    expect(s.maxEventTimeSkewMs).toBe(86_400_000);
  });

  it('come from the config file, the environment overriding it; the floor as ISO-8601 or epoch ms', () => {
    const config = dirs.file('riskstream.yaml', 'minEventTime: "2010-01-01T00:00:00Z"\nmaxEventTimeSkewMs: 3600000\n');
    expect(resolveSettings({ config }, {})).toMatchObject({ minEventTime: Date.UTC(2010, 0, 1), maxEventTimeSkewMs: 3_600_000 });
    const env = { RISKSTREAM_MIN_EVENT_TIME: '1262304000000', RISKSTREAM_MAX_EVENT_TIME_SKEW_MS: '60000' };
    expect(resolveSettings({ config }, env)).toMatchObject({ minEventTime: Date.UTC(2010, 0, 1), maxEventTimeSkewMs: 60_000 });
    expect(resolveSettings({}, { RISKSTREAM_MIN_EVENT_TIME: '2015-06-01' }).minEventTime).toBe(Date.UTC(2015, 5, 1));
  });

  it('name the setting when a value is not a time or not a duration', () => {
    expect(() => resolveSettings({}, { RISKSTREAM_MIN_EVENT_TIME: '2024-02-30' })).toThrow(
      new SettingsError('invalid setting minEventTime: expected epoch milliseconds or an ISO-8601 time'),
    );
    expect(() => resolveSettings({}, { RISKSTREAM_MAX_EVENT_TIME_SKEW_MS: '-1' })).toThrow(/^invalid setting maxEventTimeSkewMs: /);
    expect(() => resolveSettings({}, { RISKSTREAM_MAX_EVENT_TIME_SKEW_MS: 'a day' })).toThrow(/^invalid setting maxEventTimeSkewMs: /);
  });
});

describe('config file', () => {
  const dirs = new TempDirs('riskstream-settings-keys-');
  afterAll(dirs.removeAll);

  it('refuses a key that is no setting, naming it and the settings', () => {
    const config = dirs.file('riskstream.yaml', 'commitIntervalMS: 5\n');
    expect(() => resolveSettings({ config }, {})).toThrow(
      new SettingsError(
        `config file ${config}: unknown setting 'commitIntervalMS' (settings: dataDir, backend, logLevel, guarantee, commitIntervalMs, streamThreads, minEventTime, maxEventTimeSkewMs, kafka, schemaRegistry, clickhouse, s3, metricsPort, scoring, reconciliation)`,
      ),
    );
    expect(resolveSettings({ config: dirs.file('riskstream.yaml', 'commitIntervalMs: 5\n') }, {}).commitIntervalMs).toBe(5);
  });
});
