import type { Command } from 'commander';
import { readCsvTable } from '../../models/csv-table.ts';
import { datasetFromCsv } from '../../models/dataset.ts';
import { evaluateModels, evaluationSummary } from '../../models/evaluate.ts';
import { formatEvaluation } from '../../models/format-evaluation.ts';
import { settingsOf } from '../context.ts';
import { positiveInt, print } from '../session.ts';

export interface DataOptions {
  data?: string;
  label?: string;
  positive?: string;
  folds: string;
  seed: string;
}

export default async function evaluate(program: Command, opts: DataOptions & { format: 'table' | 'json' }): Promise<void> {
  settingsOf(program);
  const data = await loadCsvDataset(opts);
  const started = Date.now();
  const e = evaluateModels(data, {
    folds: positiveInt(opts.folds, '--folds'),
    seed: positiveInt(opts.seed, '--seed'),
    details: opts.format === 'table',
    onProgress: (text) => process.stderr.write(`evaluate: ${text}\n`),
  });
  process.stderr.write(`evaluate: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  print(opts.format === 'json' ? JSON.stringify(evaluationSummary(e)) : formatEvaluation(e));
}

export async function loadCsvDataset(opts: DataOptions) {
  if (!opts.data || opts.label === undefined || opts.positive === undefined)
    throw new Error('--data, --label and --positive are all needed');
  return datasetFromCsv(await readCsvTable(opts.data), { label: opts.label, positive: opts.positive }, opts.data);
}
