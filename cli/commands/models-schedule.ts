import type { Command } from 'commander';
import { warehouseTrainingData } from '../../app/model-training.ts';
import { openModelStore } from '../../app/model-store.ts';
import { retrainAndPromote } from '../../models/retrain.ts';
import { scheduleRetraining } from '../../models/retrain-schedule.ts';
import { checkModelName } from '../../models/model-registry.ts';
import { settingsOf } from '../context.ts';
import { positiveInt, print } from '../session.ts';

export default async function schedule(program: Command, opts: { cron: string; name: string; folds: string; seed: string }): Promise<void> {
  const settings = settingsOf(program);
  const name = checkModelName(opts.name);
  const folds = positiveInt(opts.folds, '--folds');
  const seed = positiveInt(opts.seed, '--seed');
  const store = openModelStore(settings);
  const job = scheduleRetraining(
    opts.cron,
    async () => {
      const result = await retrainAndPromote(store, await warehouseTrainingData(settings, seed), { name, folds, seed });
      print(
        `${new Date().toISOString()} ${name} v${result.metadata.version} ${result.promoted ? 'promoted' : 'not promoted'}: ${result.reason}`,
      );
    },
    (err) => process.stderr.write(`schedule: retraining failed: ${err.message.split('\n')[0]}\n`),
  );
  process.stderr.write(`schedule: retraining ${name} from the warehouse on '${opts.cron}' (Ctrl-C stops)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await job.stop();
  await store.close();
}
