// The run summary (demo, run --until-idle) lists the application's topics with their dead letters;
// the engine's internal topics appear only when their dead letters hold records, named as internal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmbeddedBackend } from '../engine/index.ts';
import { formatSummary, summarize } from './summary.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'rs-summary-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const record = (key: string) => ({ key: Buffer.from(key), value: Buffer.from('x'), timestamp: 1_704_067_200_000, headers: {} });

describe('run summary topics', () => {
  it("lists the application's dead letters, and internal ones only when they hold records, as internal", async () => {
    const backend = createEmbeddedBackend(dataDir);
    try {
      const admin = backend.admin();
      await admin.createTopics(
        [
          'transactions',
          'transactions.dlq',
          'risk-features.late',
          'riskstream-debtor-priority-debtors-by-customer-repartition',
          'riskstream-debtor-priority-debtors-by-customer-repartition.dlq',
          'riskstream-other-x-repartition.dlq',
          'riskstream-debtor-priority-store-changelog',
        ].map((name) => ({ name, partitions: 1 })),
      );
      await admin.close();
      const producer = await backend.producer();
      await producer.send([
        { topic: 'transactions', ...record('t1') },
        { topic: 'transactions', ...record('t2') },
        { topic: 'transactions.dlq', ...record('t3') },
        { topic: 'riskstream-other-x-repartition.dlq', ...record('r1') },
      ]);
      await producer.close();

      const summary = await summarize({ backend, lakeRoot: join(dataDir, 'lake') }, undefined);
      expect(summary.topics).toEqual([
        { topic: 'risk-features.late', records: 0 },
        { topic: 'transactions', records: 2 },
        { topic: 'transactions.dlq', records: 1 },
      ]);
      expect(summary.internalDeadLetters).toEqual([{ topic: 'riskstream-other-x-repartition.dlq', records: 1 }]);
      expect(formatSummary(summary).split('\n')).toEqual([
        'topic records:',
        '  risk-features.late             0',
        '  transactions                   2',
        '  transactions.dlq               1',
        "dead letters of riskstream's internal topics (riskstream dlq show <topic>):",
        '  riskstream-other-x-repartition.dlq 1',
        'lake: 0 Parquet files',
      ]);
    } finally {
      await backend.close();
    }
  });
});
