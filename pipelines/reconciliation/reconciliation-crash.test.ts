// A crash and restart of `riskstream run reconciliation` changes nothing: killed with SIGKILL while the
// pipeline commits results and while the sinks land them, then run to idle, it leaves the same results
// and audit records (at the same offsets), warehouse rows and lake files as an uncrashed run on its own
// data dir, and no case resolved twice. Review decisions are on the log from the start, two per case
// (the second must be refused), so a replayed decision after the crash would show.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEnvironment } from '../../app/environment.ts';
import { resolveSettings } from '../../app/settings.ts';
import { setLogLevel } from '../../engine/index.ts';
import { runCli } from '../testing/cli-process.ts';
import { committedRecords, countParquet, killRunWhen as killCliRunWhen } from '../testing/kill-run.ts';
import { rowDiff, sameRows } from '../testing/risk-features-snapshot.ts';
import {
  addDecisions,
  decisionsOnBook,
  query,
  reconciliationSnapshot,
  type ReconciliationSnapshot,
} from './testing/reconciliation-snapshot.ts';
import { TempDirs } from '../testing/temp-dirs.ts';

// Large enough that a run commits many times on a shared 2-core machine (short commit interval).
const BOOK = { events: 150_000, seed: 12 };
const RUN = ['run', 'reconciliation', '--until-idle'];
const CLI = { env: { RISKSTREAM_COMMIT_INTERVAL_MS: '10' } };

interface Observation {
  results: number;
  lakeFiles: number;
}

async function observe(dataDir: string): Promise<Observation> {
  const env = await openEnvironment(resolveSettings({ dataDir, backend: 'embedded' }));
  try {
    return {
      results: await committedRecords(env.backend, 'reconciliation-results'),
      lakeFiles: countParquet(join(dataDir, 'lake', 'reconciliation_results')) + countParquet(join(dataDir, 'lake', 'audit_log')),
    };
  } finally {
    await env.close();
  }
}

/** Starts `run --until-idle` and SIGKILLs it as soon as `killWhen` holds; fails if the run ends first. */
function killRunWhen(dataDir: string, killWhen: (o: Observation) => boolean): Promise<Observation> {
  return killCliRunWhen(dataDir, {
    args: RUN,
    cli: CLI,
    observe: () => observe(dataDir),
    killWhen,
    pollMs: 20,
    describe: (o) => `killed run at ${JSON.stringify(o)} (clean run: ${cleanResults} results, ${clean.lakeFiles.length} lake files)`,
  });
}

const temp = new TempDirs('reconciliation-crash-');
const tempDir = temp.make;
async function prepare(dataDir: string): Promise<void> {
  await runCli(dataDir, ['generate', '--events', String(BOOK.events), '--seed', String(BOOK.seed)]);
  await addDecisions(dataDir, decisionsOnBook(BOOK, 20));
}

let clean: ReconciliationSnapshot;
let cleanResults: number;

describe('reconciliation after kill -9 of run, then run --until-idle', () => {
  beforeAll(async () => {
    setLogLevel('warn');
    const cleanDir = tempDir();
    await prepare(cleanDir);
    await runCli(cleanDir, RUN, CLI);
    clean = await reconciliationSnapshot(cleanDir);
    cleanResults = clean.placed.filter((p) => p.startsWith('reconciliation-results ')).length;
  }, 600_000);
  afterAll(temp.removeAll);

  it('the uncrashed run has results and answers everywhere', () => {
    expect(cleanResults).toBeGreaterThan(4_000);
    expect(clean.warehouse.length).toBe(clean.placed.length);
    expect(clean.lakeRows.length).toBe(clean.placed.length);
    expect(clean.warehouse.filter((r) => r.includes('"step":"RESOLVED"'))).toHaveLength(20);
    expect(clean.warehouse.filter((r) => r.includes('"step":"REFUSED"'))).toHaveLength(20);
  });

  it('killed early, mid-pipeline and while the sinks land; then run to idle: the same results, audit, rows and files', async () => {
    const dataDir = tempDir();
    await prepare(dataDir);
    await killRunWhen(dataDir, (o) => o.results > 0);
    await killRunWhen(dataDir, (o) => o.results >= 0.4 * cleanResults);
    await killRunWhen(dataDir, (o) => o.lakeFiles >= 0.4 * clean.lakeFiles.length && o.lakeFiles > 0);
    await runCli(dataDir, RUN, CLI);
    const after = await reconciliationSnapshot(dataDir);
    expect(rowDiff(clean.placed, after.placed)).toEqual(sameRows(clean.placed.length));
    expect(rowDiff(clean.warehouse, after.warehouse)).toEqual(sameRows(clean.warehouse.length));
    expect(rowDiff(clean.lakeFiles, after.lakeFiles)).toEqual(sameRows(clean.lakeFiles.length));
    expect(rowDiff(clean.lakeRows, after.lakeRows)).toEqual(sameRows(clean.lakeRows.length));
    expect(
      await query(
        dataDir,
        "SELECT count() AS n FROM (SELECT case_id FROM audit_log WHERE step = 'RESOLVED' GROUP BY case_id HAVING uniqExact(event_id) > 1)",
      ),
    ).toEqual(['{"n":0}']);
  }, 600_000);
});
