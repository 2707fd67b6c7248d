// One retraining round: train on fresh data, save a new version, and promote it only when its
// cross-validated AUC is not worse than the promoted model's. The algorithm promoted is the new
// version's better one; it is compared with the promoted algorithm's AUC as recorded at its training.
import type { LakeStore } from '../connectors/sinks/lake-store.ts';
import type { Dataset } from './dataset.ts';
import { betterAlgo, promoteModel } from './model-loader.ts';
import { readMetadata, readPromoted, saveModelVersion, type ModelMetadata } from './model-registry.ts';
import { trainModels } from './train.ts';

export interface TrainingData {
  data: Dataset;
  source: string;
  sha256: string;
}

export interface RetrainOptions {
  name: string;
  folds: number;
  seed: number;
  trees?: number;
  onProgress?: (text: string) => void;
}

export interface RetrainResult {
  metadata: ModelMetadata;
  promoted: boolean;
  /** Why it was or was not promoted, for the log. */
  reason: string;
}

export async function trainAndSave(store: LakeStore, input: TrainingData, opts: RetrainOptions): Promise<ModelMetadata> {
  const trained = trainModels(input.data, { folds: opts.folds, seed: opts.seed, trees: opts.trees, onProgress: opts.onProgress });
  return saveModelVersion(store, trained, { name: opts.name, source: input.source, dataSha256: input.sha256 });
}

export async function retrainAndPromote(store: LakeStore, input: TrainingData, opts: RetrainOptions): Promise<RetrainResult> {
  const metadata = await trainAndSave(store, input, opts);
  const algo = betterAlgo(metadata);
  const auc = metadata.metrics[algo].auc;
  const current = await readPromoted(store, opts.name);
  if (current) {
    const old = (await readMetadata(store, opts.name, current.version)).metrics[current.algo].auc;
    if (auc < old) {
      return {
        metadata,
        promoted: false,
        reason: `v${metadata.version} ${algo} AUC ${auc.toFixed(4)} is worse than promoted v${current.version} ${current.algo} ${old.toFixed(4)}`,
      };
    }
  }
  await promoteModel(store, opts.name, metadata.version, algo);
  return {
    metadata,
    promoted: true,
    reason: `v${metadata.version} ${algo} AUC ${auc.toFixed(4)}${current ? ` is not worse than promoted v${current.version} ${current.algo}` : ', the first promoted'}`,
  };
}
