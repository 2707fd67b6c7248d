import { describe, expect, it } from 'vitest';
import { StreamsBuilder, stringSerde, TimeWindows, untilWindowCloses, jsonSerde } from '../engine/index.ts';
import { definitionOf, PIPELINES, pipelinesNamed, UnknownPipelineError } from './catalog.ts';

const DAY_MS = 86_400_000;

describe('pipeline catalog', () => {
  it('reads risk-features inputs, tables, outputs and replay lookback off its topology', () => {
    const def = PIPELINES['risk-features'];
    expect(def.applicationId).toBe('riskstream-risk-features');
    expect(def.streamInputs).toEqual(['transactions', 'repayments']);
    expect(def.tableInputs).toEqual(['loan-applications']);
    expect(def.outputs).toEqual(['risk-features']);
    expect(def.lateTopics).toEqual(['risk-features.late']);
    expect(def.replayLookbackMs).toBe(31 * DAY_MS);
  });

  it('reads debtor-priority off its topology: debtors and risk-scores as tables, collection-priorities out', () => {
    const def = PIPELINES['debtor-priority'];
    expect(def.applicationId).toBe('riskstream-debtor-priority');
    expect(def.streamInputs).toEqual([]);
    expect([...def.tableInputs].sort()).toEqual(['debtors', 'risk-scores']);
    expect(def.outputs).toEqual(['collection-priorities']);
  });

  it('reads reconciliation: debtors as a table, partner records and review decisions as streams, results and audit out', () => {
    const def = PIPELINES.reconciliation;
    expect(def.streamInputs).toEqual(['partner-records', 'review-decisions']);
    expect(def.tableInputs).toEqual(['debtors']);
    expect(def.outputs.sort()).toEqual(['audit-log', 'reconciliation-results']);
  });

  it('derives a new pipeline from its topology alone', () => {
    const def = definitionOf({
      name: 'daily-debits',
      description: 'debits per customer and day',
      topology: () => {
        const b = new StreamsBuilder();
        b.stream<{ amount_cents: number }>('transactions', { valueSerde: jsonSerde() })
          .groupByKey()
          .windowedBy(TimeWindows.tumbling(DAY_MS).grace(2 * DAY_MS))
          .count()
          .suppress(untilWindowCloses())
          .toStream()
          .to('risk-features', { valueSerde: jsonSerde() });
        return b.build();
      },
    });
    expect(def).toMatchObject({
      applicationId: 'riskstream-daily-debits',
      streamInputs: ['transactions'],
      tableInputs: [],
      outputs: ['risk-features'],
      replayLookbackMs: 3 * DAY_MS,
    });
  });

  it('refuses a topology that writes a topic the project does not know', () => {
    const topology = () => {
      const b = new StreamsBuilder();
      b.stream<string>('transactions', { valueSerde: stringSerde }).to('nowhere', { valueSerde: stringSerde });
      return b.build();
    };
    expect(() => definitionOf({ name: 'bad', description: '', topology })).toThrow(
      "pipeline bad writes 'nowhere', which is not a project topic (schemas/topics.ts)",
    );
  });

  it('resolves names, all, and refuses unknown ones naming the known', () => {
    expect(pipelinesNamed(['all']).map((p) => p.name)).toEqual(Object.keys(PIPELINES));
    expect(pipelinesNamed(['risk-features', 'risk-features'])).toHaveLength(1);
    expect(() => pipelinesNamed(['nope'])).toThrow(UnknownPipelineError);
    expect(() => pipelinesNamed(['nope'])).toThrow(
      "unknown pipeline 'nope' (known: risk-features, risk-scores, reconciliation, debtor-priority, or all)",
    );
  });
});
