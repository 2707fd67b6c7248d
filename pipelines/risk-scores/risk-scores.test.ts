// risk-scores scores each risk-features window with the model current at that record, bands it,
// and names the version; a record the model cannot score goes to the DLQ, the rest go on.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmbeddedBackend, readTopic, StreamsApp, type Backend } from '../../engine/index.ts';
import { FileSchemaRegistry } from '../../schemas/registry/file-registry.ts';
import { AvroSerde } from '../../schemas/serde.ts';
import type { RiskFeatures } from '../../schemas/types.ts';
import type { ScoringModel } from '../pipeline.ts';
import { riskBandOf } from './risk-band.ts';
import { DEFAULT_RISK_MODEL, riskScoresTopology } from './topology.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 2, 1);

function window(customer: string, day: number, lateRepayments: number): RiskFeatures {
  const start = T0 + day * DAY;
  return {
    event_id: `${customer}:${start}`,
    tenant_id: 't1',
    event_time: start + 30 * DAY,
    customer_id: customer,
    window_start: start,
    window_end: start + 30 * DAY,
    txn_count: 3,
    debit_total_cents: 10_000,
    credit_total_cents: 20_000,
    max_debit_cents: 5_000,
    spend_food_cents: 1,
    spend_shopping_cents: 2,
    spend_transport_cents: 3,
    spend_housing_cents: 4,
    spend_health_cents: 5,
    spend_entertainment_cents: 6,
    spend_other_cents: 7,
    repayments_due: 2,
    repayments_late: lateRepayments,
    max_days_late: 3 * lateRepayments,
    dti: 0.3,
    ltv: null,
    utilization: 0.5,
    computed_at: 1,
  };
}

/** A model whose probability is a known function of one feature: late repayments / 10 (v1), / 4 (v2). */
function model(version: number, divisor: number): ScoringModel {
  return { name: DEFAULT_RISK_MODEL, version, score: (f) => Math.min(1, Number(f.repayments_late) / divisor) };
}

describe('risk-scores topology', () => {
  let dir: string;
  let backend: Backend | undefined;
  afterEach(async () => {
    await backend?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh embedded log with a risk-features topic, and a way to produce windows to it. */
  async function setUp(
    partitions: number,
  ): Promise<{ log: Backend; avro: AvroSerde; produce: (windows: RiskFeatures[]) => Promise<void> }> {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'risk-scores-'));
    const log = createEmbeddedBackend(path.join(dir, 'log'));
    backend = log;
    const avro = new AvroSerde(new FileSchemaRegistry(path.join(dir, 'registry')));
    await avro.prepare(['risk-features']);
    await log.admin().createTopics([{ name: 'risk-features', partitions }]);
    const produce = async (windows: RiskFeatures[]): Promise<void> => {
      const producer = await log.producer();
      await producer.send(
        windows.map((w) => ({
          topic: 'risk-features',
          key: Buffer.from(w.customer_id),
          value: avro.encode('risk-features', w),
          timestamp: w.event_time,
        })),
      );
      await producer.close();
    };
    return { log, avro, produce };
  }

  it('scores every window with the model current at its record, bands it and names the version', async () => {
    const { log, avro, produce } = await setUp(2);
    let current = model(1, 10);
    const models = new Map([[DEFAULT_RISK_MODEL, { current: () => current }]]);
    const run = async (): Promise<void> => {
      const app = new StreamsApp({
        applicationId: 'scores',
        topology: riskScoresTopology(avro, { models }),
        backend: log,
        stateDir: path.join(dir, 'state'),
      });
      await app.runUntilIdle();
      await app.stop();
    };

    await produce([window('c1', 0, 0), window('c2', 0, 1), window('c3', 0, 3), window('c4', 0, 5)]);
    await run();
    current = model(2, 4);
    await produce([window('c1', 1, 1), window('c4', 1, 2)]);
    await run();

    const scores = (await readTopic(log, 'risk-scores')).map((r) => avro.decode('risk-scores', r.value));
    const byId = Object.fromEntries(scores.map((s) => [s.event_id, [s.default_probability, s.risk_band, s.model_version]]));
    expect(byId).toEqual({
      [`c1:${T0}`]: [0, 'A', 1],
      [`c2:${T0}`]: [0.1, 'C', 1],
      [`c3:${T0}`]: [0.3, 'D', 1],
      [`c4:${T0}`]: [0.5, 'E', 1],
      [`c1:${T0 + DAY}`]: [0.25, 'D', 2],
      [`c4:${T0 + DAY}`]: [0.5, 'E', 2],
    });
    expect(scores.every((s) => s.model_name === DEFAULT_RISK_MODEL && s.window_end === s.window_start + 30 * DAY)).toBe(true);
  });

  it('sends a window the model cannot score to the DLQ and goes on', async () => {
    const { log, avro, produce } = await setUp(1);
    await produce([window('c1', 0, 1), window('c2', 0, 99), window('c3', 0, 2)]);
    const broken: ScoringModel = { name: DEFAULT_RISK_MODEL, version: 7, score: (f) => Number(f.repayments_late) / 10 };
    const app = new StreamsApp({
      applicationId: 'scores',
      topology: riskScoresTopology(avro, { models: new Map([[DEFAULT_RISK_MODEL, { current: () => broken }]]) }),
      backend: log,
      stateDir: path.join(dir, 'state'),
    });
    await app.runUntilIdle();
    await app.stop();
    expect((await readTopic(log, 'risk-scores')).map((r) => avro.decode('risk-scores', r.value).customer_id)).toEqual(['c1', 'c3']);
    const [dead] = await readTopic(log, 'risk-features.dlq');
    expect(dead.headers.error).toContain('gave 9.9 for window c2:');
  });

  it('bands at the contract bounds; describing the topology needs no model', () => {
    expect([0, 0.0499, 0.05, 0.0999, 0.1, 0.1999, 0.2, 0.3999, 0.4, 1].map(riskBandOf)).toEqual([
      'A',
      'A',
      'B',
      'B',
      'C',
      'C',
      'D',
      'D',
      'E',
      'E',
    ]);
    const described = riskScoresTopology(new AvroSerde(new FileSchemaRegistry(os.tmpdir())), {});
    expect(described.outputTopics()).toEqual(['risk-scores']);
    expect(described.streamTopics()).toEqual(['risk-features']);
  });
});
