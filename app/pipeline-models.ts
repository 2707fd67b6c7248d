// The promoted models a pipeline scores with, loaded before its topology is built and kept current
// by a watcher (a promotion reaches a running pipeline within one poll, 3 s), closed with the app.
import { PromotedModelWatcher } from '../models/promoted-watcher.ts';
import type { PromotedModel } from '../pipelines/pipeline.ts';
import type { PipelineDefinition } from './catalog.ts';
import { openModelStore } from './model-store.ts';
import type { Settings } from './settings.ts';

export class MissingModelError extends Error {
  constructor(pipeline: string, model: string) {
    super(
      `${pipeline} needs a promoted '${model}' model: riskstream models train --from-warehouse, then riskstream models promote ${model} <version>`,
    );
    this.name = 'MissingModelError';
  }
}

export interface PipelineModels {
  models: ReadonlyMap<string, PromotedModel>;
  close(): Promise<void>;
}

const NONE: PipelineModels = { models: new Map(), close: async () => {} };

export async function openPipelineModels(def: PipelineDefinition, settings: Settings): Promise<PipelineModels> {
  if (!def.models?.length) return NONE;
  const store = openModelStore(settings);
  const watchers: PromotedModelWatcher[] = [];
  const models = new Map<string, PromotedModel>();
  try {
    for (const name of def.models) {
      const watcher = new PromotedModelWatcher(store, name);
      watchers.push(watcher);
      await watcher.start();
      if (!watcher.current()) throw new MissingModelError(def.name, name);
      // start() made sure there is one, and a watcher never drops a model it has. A loaded Scorer is
      // a ScoringModel as it is: nothing is built per scored record.
      models.set(name, { current: () => watcher.current()! });
    }
  } catch (err) {
    await Promise.all(watchers.map((w) => w.stop()));
    throw err;
  }
  return { models, close: async () => void (await Promise.all(watchers.map((w) => w.stop()))) };
}
