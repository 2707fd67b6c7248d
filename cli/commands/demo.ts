import type { Command } from 'commander';
import { PIPELINES } from '../../app/catalog.ts';
import { DataDirError, resetDataDir } from '../../app/data-dir.ts';
import { trainFirstModel } from '../../app/model-training.ts';
import { startPipelines } from '../../app/run-pipelines.ts';
import { formatSummary, summarize } from '../../app/summary.ts';
import { currentOwner, warehouseDirOf } from '../../warehouse/index.ts';
import { settingsOf } from '../context.ts';
import { ProgressLine } from '../progress.ts';
import { nonNegativeInt, positiveInt, print, withEnvironment } from '../session.ts';
import { generateInto } from './generate.ts';
import { showProgress } from './run.ts';

const RISK_BANDS_SQL =
  'SELECT risk_band, count() AS windows, uniqExact(customer_id) AS customers, round(avg(default_probability), 3) AS avg_pd FROM risk_scores FINAL GROUP BY risk_band ORDER BY risk_band';

export default async function demo(program: Command, opts: { events: string; seed: string; keep?: boolean }): Promise<void> {
  const events = positiveInt(opts.events, '--events');
  const seed = nonNegativeInt(opts.seed, '--seed');
  const started = Date.now();
  const settings = settingsOf(program);
  if (!opts.keep && settings.backend === 'embedded') {
    // A running `run` (or demo) owns the warehouse: deleting the dir under it would wreck both.
    const owner = currentOwner(warehouseDirOf(settings.dataDir));
    if (owner !== undefined && owner.pid !== process.pid) {
      throw new DataDirError(
        `refusing to reset ${settings.dataDir}: riskstream process ${owner.pid} (since ${owner.started_at}) is using it; stop it first, or pass another --data-dir`,
      );
    }
    resetDataDir(settings.dataDir);
  }
  await withEnvironment(program, async (env) => {
    process.stderr.write(
      `demo: ${events} events (seed ${seed}) into ${settings.backend === 'embedded' ? settings.dataDir : settings.kafka.brokers.join(',')}\n`,
    );
    await generateInto(env, { events, seed });
    // Features first; then a first default-risk model trained on them, which the scores need.
    const features = await startPipelines(env, {
      pipelines: [PIPELINES['risk-features']],
      allInputs: true,
      onProgress: showProgress(new ProgressLine(2_000)),
    });
    try {
      await features.untilIdle();
    } finally {
      await features.stop();
    }
    // Too few events can leave too few defaulters to cross-validate: the demo then shows no scores.
    const model = await trainFirstModel(settings, seed).catch((err: Error) => `no model (${err.message}): risk-scores left out`);
    process.stderr.write(`demo: ${model}\n`);
    // Scores and the reconciliation of our book against the partners' reports, together.
    const running = await startPipelines(env, {
      pipelines: [PIPELINES['risk-scores'], PIPELINES.reconciliation, PIPELINES['debtor-priority']],
      allInputs: true,
      optionalModels: true,
      onProgress: showProgress(new ProgressLine(2_000)),
    });
    let sample: string;
    let bands: string;
    let summary;
    try {
      await running.untilIdle();
      summary = await summarize(env, running.warehouse);
      sample = await running.warehouse!.query(
        'SELECT customer_id, window_start, txn_count, debit_total_cents, repayments_late, max_days_late, round(dti, 3) AS dti, round(utilization, 3) AS utilization FROM risk_features FINAL ORDER BY max_days_late DESC, debit_total_cents DESC, customer_id, window_start LIMIT 5',
        { format: 'table' },
      );
      bands = await running.warehouse!.query(RISK_BANDS_SQL, { format: 'table' });
    } finally {
      await running.stop();
    }
    const dirFlag =
      settings.backend === 'embedded' && settings.dataDir !== process.cwd() + '/.riskstream' ? ` --data-dir ${settings.dataDir}` : '';
    print(`riskstream demo: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    print(formatSummary(summary));
    print('');
    print('riskiest windows (risk_features):');
    print(sample.trimEnd());
    print('');
    print(`risk bands (risk_scores, ${model}):`);
    print(bands.trimEnd());
    print('');
    print('try next:');
    print(
      `  npx riskstream${dirFlag} query "SELECT category, count() AS txns, sum(amount_cents) / 100 AS spent FROM transactions FINAL WHERE direction = 'DEBIT' GROUP BY category ORDER BY spent DESC"`,
    );
    print(
      `  npx riskstream${dirFlag} query --format json "SELECT customer_id, max(max_days_late) AS worst, round(avg(dti), 3) AS avg_dti FROM risk_features FINAL GROUP BY customer_id ORDER BY worst DESC LIMIT 5"`,
    );
    print(
      `  npx riskstream${dirFlag} query --format csv "SELECT toDate(window_start) AS day, count() AS windows, sum(repayments_late) AS late FROM risk_features FINAL GROUP BY day ORDER BY day"`,
    );
    print(`  npx riskstream${dirFlag} query "${RISK_BANDS_SQL}"`);
    print(`  npx riskstream${dirFlag} review list`);
    print(
      `  npx riskstream${dirFlag} query "SELECT event_time, step, actor, reason, decision FROM audit_log FINAL WHERE case_id = 'CASE_ID' ORDER BY event_time, indexOf(['DETECTED', 'AUTO_RESOLVED', 'QUEUED_FOR_REVIEW', 'RESOLVED', 'REFUSED'], step)"`,
    );
  });
}
