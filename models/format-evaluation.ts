// `models evaluate --format table`: the metrics of both models, then (when computed) calibration and
// the features each model leans on most.
import type { Evaluation } from './evaluate.ts';

const f3 = (v: number): string => v.toFixed(3);

export function formatEvaluation(e: Evaluation, topFeatures = 10): string {
  const lines = [
    `${e.rows} rows, ${e.positives} positive (${((100 * e.positives) / e.rows).toFixed(1)}%), ${e.folds}-fold stratified cross-validation, seed ${e.seed}`,
    '',
    'model                 auc    log_loss  brier',
    `logistic regression   ${f3(e.lr.metrics.auc)}  ${f3(e.lr.metrics.log_loss)}     ${f3(e.lr.metrics.brier)}`,
    `random forest         ${f3(e.rf.metrics.auc)}  ${f3(e.rf.metrics.log_loss)}     ${f3(e.rf.metrics.brier)}`,
  ];
  for (const [name, a] of [
    ['logistic regression', e.lr],
    ['random forest', e.rf],
  ] as const) {
    if (a.calibration) {
      lines.push('', `${name}: calibration by decile (mean predicted / observed rate)`);
      for (const b of a.calibration)
        lines.push(`  ${String(b.bin).padStart(2)}  ${f3(b.mean_predicted)}  ${f3(b.observed_rate)}  (${b.rows} rows)`);
    }
    if (a.importance) {
      const what = name === 'random forest' ? 'AUC lost when shuffled' : 'standardised coefficient';
      lines.push('', `${name}: top features (${what})`);
      for (const i of a.importance.slice(0, topFeatures)) lines.push(`  ${i.value >= 0 ? ' ' : ''}${i.value.toFixed(4)}  ${i.column}`);
    }
  }
  return lines.join('\n');
}
