// The project's topic names are fixed, so a test that runs a pipeline on the shared
// Kafka broker starts from a clean slate: it deletes the pipeline's topics (inputs, outputs, their
// .late/.dlq companions and the application's internal topics) and re-creates the inputs empty, with
// nothing committed for the application.
import { DEFAULT_PARTITIONS } from '../../schemas/topics.ts';
import { inputsOf, type PipelineDefinition } from '../../app/catalog.ts';
import { BACKEND_RETRY, isRetriable, withBackoff } from '../../engine/index.ts';
import type { Environment } from '../../app/environment.ts';

const FRESH_TOPICS_WAIT_MS = 30_000;

export class FreshTopicsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FreshTopicsError';
  }
}

/** Topics that belong to a pipeline's run: its inputs, outputs and everything derived from them. */
function belongsTo(def: PipelineDefinition, name: string): boolean {
  const bases: string[] = [...inputsOf(def), ...def.outputs];
  return bases.some((b) => name === b || name.startsWith(`${b}.`)) || name.startsWith(`${def.applicationId}-`);
}

export async function freshPipelineTopics(env: Environment, def: PipelineDefinition): Promise<void> {
  const admin = env.backend.admin();
  try {
    const old = (await admin.topicNames()).filter((n) => belongsTo(def, n));
    if (old.length > 0) await admin.deleteTopics(old);
    const inputs = inputsOf(def);
    // Deletion completes asynchronously on the broker: look at the names alone (one metadata
    // request) until they are gone, then create the inputs; retry until the new topics take.
    const deadline = Date.now() + FRESH_TOPICS_WAIT_MS;
    for (;;) {
      try {
        const left = await admin.partitionCounts(old);
        if (left.size === 0) {
          await admin.createTopics(inputs.map((name) => ({ name, partitions: DEFAULT_PARTITIONS })));
          const ends = await Promise.all(inputs.map((t) => admin.endOffsets(t)));
          if (ends.every((e) => e.length === DEFAULT_PARTITIONS && e.every((o) => o === 0))) break;
        }
      } catch (err) {
        if (Date.now() > deadline)
          throw new FreshTopicsError(`cannot re-create the topics of ${def.name} on Kafka: ${(err as Error).message}`);
      }
      if (Date.now() > deadline) throw new FreshTopicsError(`topics of ${def.name} still present on Kafka after deletion`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // Kafka drops a group's committed offsets of a deleted topic; reset them only if some survived
    // (kafkajs resets by joining the group and waiting for a fetch: seconds per topic).
    for (const topic of inputs) {
      // The group's coordinator may still be loading after the topics were re-created (Kafka
      // answers NOT_COORDINATOR, a retriable error; seen once in a full test run).
      const committed = await withBackoff(() => admin.committedOffsets(def.applicationId, topic), isRetriable, BACKEND_RETRY);
      if (committed.some((o) => o !== null)) {
        await admin.setCommittedOffsets(
          def.applicationId,
          committed.map((_, partition) => ({ topic, partition, offset: 0 })),
        );
      }
    }
  } finally {
    await admin.close();
  }
}
