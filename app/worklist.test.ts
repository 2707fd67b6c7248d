// `riskstream worklist` over a stand-in topology that declares the worklist store as debtor-priority
// does: live from the advertised endpoint while the app runs (a process running other pipelines is
// skipped), from the checkpointed state after it stopped (changelog, and local copies alone when the
// log is down), filtered by partner and tenant, ties by debtor_id; a clear error before any run.
import { afterEach, describe, expect, it } from 'vitest';
import { startStateQueryServer, testEnv, type TestEnv } from '../engine/index.ts';
import {
  expectedWorklist,
  worklistRecords,
  worklistRows,
  worklistRowsTopic,
  worklistTestTopology,
} from '../pipelines/debtor-priority/testing/worklist-test-topology.ts';
import { resolveSettings } from './settings.ts';
import { queriesDirOf } from './state-queries.ts';
import { standInPipeline } from './testing/stand-in-pipeline.ts';
import { formatWorklist, queryWorklist, WORKLIST_COLUMNS } from './worklist.ts';

describe('worklist queries (embedded)', () => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it('answers the top N live while the app runs and from checkpointed state after', { timeout: 90_000 }, async () => {
    env = await testEnv('embedded');
    const settings = resolveSettings({ dataDir: env.dir, backend: 'embedded' });
    const debtorPriority = standInPipeline('debtor-priority', `${env.prefix}-debtor-priority`, () => worklistTestTopology(env.prefix));
    const def = debtorPriority.def;
    await expect(queryWorklist(settings, { top: 5 }, [def], () => env.open())).rejects.toThrow(
      'nothing to query yet: debtor-priority has not run on this data dir (run `riskstream run debtor-priority` first)',
    );

    const backend = await env.open();
    await backend.admin().createTopics([{ name: worklistRowsTopic(env.prefix), partitions: 3 }]);
    const rows = worklistRows(400);
    const producer = await backend.producer();
    await producer.send(worklistRecords(env.prefix, rows));
    await producer.close();
    const all = expectedWorklist(rows);
    // The data has ties on priority_score, so the debtor_id order is exercised.
    expect(all.some((r, i) => i > 0 && all[i - 1].priority_score === r.priority_score)).toBe(true);
    const filters = [
      {},
      { partner: 'partner-ace' },
      { tenant: 'globex' },
      { partner: 'partner-brightline', tenant: 'acme' },
      { partner: 'nobody' },
    ];

    const running = await debtorPriority.runServingQueries(settings, backend);
    // Another `run` (other pipelines) advertises in the same dir: it has no worklist and is skipped.
    const other = await startStateQueryServer({ targets: [], advertiseDir: queriesDirOf(settings.dataDir) });
    try {
      for (const f of filters) {
        const live = await queryWorklist(settings, { top: 7, ...f }, [def]);
        expect(live).toEqual({ rows: expectedWorklist(rows, f).slice(0, 7), partitions: [0, 1, 2], source: 'live' });
      }
      expect((await queryWorklist(settings, {}, [])).rows).toEqual(all.slice(0, 50));
    } finally {
      await other.close();
      await running.stop();
    }

    for (const f of filters) {
      const offline = await queryWorklist(settings, { top: 4, ...f }, [def], () => env.open());
      expect(offline).toEqual({ rows: expectedWorklist(rows, f).slice(0, 4), partitions: [0, 1, 2], source: 'checkpointed' });
    }
    const logDown = () => Promise.reject(new Error('unreachable'));
    expect(await queryWorklist(settings, { top: 1000 }, [def], logDown)).toEqual({
      rows: all,
      partitions: [0, 1, 2],
      source: 'checkpointed',
    });
    await expect(queryWorklist(settings, { top: 0 }, [def])).rejects.toThrow("--top must be a positive integer, got '0'");
    await expect(queryWorklist(settings, {}, [])).rejects.toThrow(
      "no pipeline of this build keeps the worklist (store 'worklist' of debtor-priority)",
    );

    const csv = formatWorklist(all.slice(0, 2), 'csv').split('\n');
    expect(csv[0]).toBe(WORKLIST_COLUMNS.map((c) => `"${c}"`).join(','));
    expect(csv[1]).toContain(`"${all[0].debtor_id}"`);
    expect(formatWorklist(all.slice(0, 2), 'json')).toBe(
      all
        .slice(0, 2)
        .map((r) => `${JSON.stringify(Object.fromEntries(WORKLIST_COLUMNS.map((c) => [c, r[c]])))}\n`)
        .join(''),
    );
  });
});

describe('formatWorklist', () => {
  const row = {
    tenant_id: 'acme-lending',
    debtor_id: 'dbt-55',
    customer_id: 'cust-000003',
    partner_id: 'partner-ace',
    debt_amount_cents: 2269056,
    days_past_due: 38,
    status: 'ACTIVE' as const,
    default_probability: 0.3447915407605811,
    priority_score: 12927.86683206921,
    on_worklist: true,
  };

  it('rounds the doubles of a table only: json and csv keep full precision', () => {
    const table = formatWorklist(
      [row, { ...row, debtor_id: 'dbt-5', default_probability: null, priority_score: 7439.061138815229 }],
      'table',
    );
    const lines = table.split('\n');
    expect(lines[2].split(/ +/)).toEqual([
      'acme-lending',
      'dbt-55',
      'cust-000003',
      'partner-ace',
      '2269056',
      '38',
      'ACTIVE',
      '0.345',
      '12927.87',
      'true',
    ]);
    expect(lines[3].split(/ +/)).toEqual([
      'acme-lending',
      'dbt-5',
      'cust-000003',
      'partner-ace',
      '2269056',
      '38',
      'ACTIVE',
      'NULL',
      '7439.06',
      'true',
    ]);
    expect(JSON.parse(formatWorklist([row], 'json'))).toEqual(row);
    expect(formatWorklist([row], 'csv').split('\n')[1]).toBe(
      '"acme-lending","dbt-55","cust-000003","partner-ace",2269056,38,"ACTIVE",0.3447915407605811,12927.86683206921,"true"',
    );
  });
});
