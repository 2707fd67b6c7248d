// reconciliation is replay-safe: after `riskstream replay reconciliation --from earliest` and a run,
// the results, the audit trail (decisions answered the same way, no case resolved twice), the
// warehouse rows and the lake files are those of the first run. Driven through the CLI as a user
// would, on the embedded backend.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli } from '../testing/cli-process.ts';
import { addDecisions, decisionsOnBook, query, reconciliationSnapshot } from './testing/reconciliation-snapshot.ts';

const BOOK = { events: 30_000, seed: 8 };
const RUN = ['run', 'reconciliation', '--until-idle'];

const dir = mkdtempSync(join(tmpdir(), 'reconciliation-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('replay reconciliation from earliest, then run: the same results, audit, rows and lake files', async () => {
  await runCli(dir, ['generate', '--events', String(BOOK.events), '--seed', String(BOOK.seed)]);
  await addDecisions(dir, decisionsOnBook(BOOK, 10));
  await runCli(dir, RUN);
  const first = await reconciliationSnapshot(dir);
  expect(first.warehouse.filter((r) => r.startsWith('reconciliation_results ')).length).toBeGreaterThan(500);
  const answered = await query(
    dir,
    "SELECT step, count() AS n FROM audit_log FINAL WHERE step IN ('RESOLVED', 'REFUSED') GROUP BY step ORDER BY step",
  );
  expect(answered).toEqual(['{"step":"REFUSED","n":10}', '{"step":"RESOLVED","n":10}']);
  expect(first.lakeFiles.some((f) => f.startsWith('audit_log/'))).toBe(true);

  await runCli(dir, ['replay', 'reconciliation', '--from', 'earliest']);
  await runCli(dir, RUN);
  const again = await reconciliationSnapshot(dir);
  expect(again.placed).toEqual(first.placed);
  expect(again.warehouse).toEqual(first.warehouse);
  expect(again.lakeFiles).toEqual(first.lakeFiles);
  expect(again.lakeRows).toEqual(first.lakeRows);
  // Re-delivered rows collapse under FINAL; no case is resolved twice.
  expect(
    await query(
      dir,
      "SELECT count() AS n FROM (SELECT case_id FROM audit_log FINAL WHERE step = 'RESOLVED' GROUP BY case_id HAVING count() > 1)",
    ),
  ).toEqual(['{"n":0}']);
}, 300_000);
