// The reconciliation pipeline on the demo's default book (100 000 generated events, seed 42; only the
// debtors and partner records reach it), on both backends with the project's 4 partitions: its
// results equal the oracle's (referenceReconciliation with the same tasks) record for record, and hold
// up against the generator's ground truth: every injected discrepancy found with its kind, nothing
// else up for review (precision and recall 1.0 per kind). Its audit trail has the steps of every case.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEnvironment, type Environment } from '../../app/environment.ts';
import { resolveSettings } from '../../app/settings.ts';
import { BACKEND_KINDS, setLogLevel } from '../../engine/index.ts';
import { freshPipelineTopics } from '../testing/fresh-kafka-topics.ts';
import { reconciliationGroundTruthOf, type ReconciliationGroundTruth } from '../../connectors/sources/generator/generator.ts';
import { detectionSteps } from './audit-steps.ts';
import { DEFAULT_RECONCILIATION_OPTIONS } from './options.ts';
import { countsByKindAndResolution, DEMO_BOOK, DEMO_BOOK_COUNTS, expectedReviewCases, reviewScores } from './testing/ground-truth-check.ts';
import type { ReferenceOutput } from './testing/reference-reconciliation.ts';
import {
  oracleOnLog,
  produceReconciliationInputs,
  readReconciliationOutputs,
  RECONCILIATION,
  runReconciliationUntilIdle,
  type ReconciliationOutputs,
} from './testing/run-reconciliation.ts';

let dir: string;
let env: Environment;
let truth: ReconciliationGroundTruth;
let out: ReconciliationOutputs;
let oracle: ReferenceOutput;

describe.each(BACKEND_KINDS)('reconciliation on the demo book (100 000 events, seed 42), %s backend', (backend) => {
  beforeAll(async () => {
    setLogLevel('warn');
    dir = mkdtempSync(join(tmpdir(), 'reconciliation-generated-'));
    env = await openEnvironment(resolveSettings({ dataDir: dir, backend }));
    // The project's topic names are fixed: on the shared broker, start from empty ones.
    if (backend === 'kafka') await freshPipelineTopics(env, RECONCILIATION);
    truth = reconciliationGroundTruthOf(DEMO_BOOK);
    await produceReconciliationInputs(env, truth.records);
    await runReconciliationUntilIdle(env);
    out = await readReconciliationOutputs(env);
    oracle = await oracleOnLog(env, truth.records, DEFAULT_RECONCILIATION_OPTIONS);
  }, 300_000);
  afterAll(async () => {
    await env?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('emits exactly the oracle results, in the same order within each task', () => {
    expect(out.results.length).toBeGreaterThan(3_000);
    const perTask = (rs: { debtor_id: string }[]) => {
      const m = new Map<number, unknown[]>();
      for (const r of rs) {
        const p = out.partitionOf.get(r.debtor_id)!;
        m.set(p, [...(m.get(p) ?? []), r]);
      }
      return [...m.entries()].sort((a, b) => a[0] - b[0]);
    };
    expect(perTask(out.results)).toEqual(perTask(oracle.results));
    expect(oracle.beyondHistory).toEqual([]);
  });

  it('finds every injected discrepancy with its kind and puts nothing else up for review (precision and recall 1.0 per kind)', () => {
    const expected = expectedReviewCases(
      truth,
      DEFAULT_RECONCILIATION_OPTIONS.missingAfterMs,
      (id) => oracle.finalStreamTime.get(out.partitionOf.get(id) ?? -1) ?? -Infinity,
    );
    const { scores, reviewSize } = reviewScores(expected, out.results);
    for (const { kind, wanted, precision, recall } of scores) {
      expect(wanted).toBeGreaterThan(0);
      expect({ kind, precision, recall }).toEqual({ kind, precision: 1, recall: 1 });
    }
    expect(reviewSize).toBe(expected.size);
    const kinds = new Map(out.results.map((r) => [r.event_id, r.kind]));
    for (const [id, kind] of truth.partnerRecordKinds) if (kind === 'MATCH') expect(kinds.get(id)).toBe('MATCH');
  });

  it('one result per partner record and at most one MISSING_AT_PARTNER per debtor', () => {
    const ids = out.results.map((r) => r.event_id);
    expect(new Set(ids).size).toBe(ids.length);
    const partnerIds = new Set(truth.records.partnerRecords.map((p) => p.event_id));
    expect(out.results.filter((r) => r.kind !== 'MISSING_AT_PARTNER').length).toBe(partnerIds.size);
  });

  it('audits every case that is not a MATCH, and nothing else', () => {
    const want = out.results
      .flatMap(detectionSteps)
      .map((a) => a.event_id)
      .sort();
    expect(out.audit.map((a) => a.event_id).sort()).toEqual(want);
    expect(want.length).toBeGreaterThan(0);
  });

  it('counts per kind and resolution, across the 4 tasks', () => {
    // The same as the one-task oracle's (see DEMO_BOOK_COUNTS).
    expect(countsByKindAndResolution(out.results)).toEqual(DEMO_BOOK_COUNTS);
  });
});
