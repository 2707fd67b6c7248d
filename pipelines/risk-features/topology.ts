// The risk-features pipeline, in the DSL: transactions and repayments merged per
// customer, 30-day hopping windows advancing 1 day (grace 1 day) built from day slices, one result
// per closed window, joined as of the window's end to the customer's loan applications.
import type { AvroSerde } from '../../schemas/serde.ts';
import type { LoanApplication, RiskFeatures } from '../../schemas/types.ts';
import { categorize } from '../../connectors/categorizer/categorizer.ts';
import { StreamsBuilder, untilWindowCloses, alsoReadingV8, type Topology, TimeWindows, type Windowed } from '../../engine/index.ts';
import { avroFieldsSerde, avroSerde } from '../../schemas/topic-serdes.ts';
import type { TopologyOptions } from '../pipeline.ts';
import { applicationRatios } from './application-ratios.ts';
import { emptyAggregate, type FeatureAggregate } from './feature-aggregate.ts';
import { featureAggregateSerde } from './feature-aggregate-serde.ts';
import {
  DAY_MS,
  addRepayment,
  addTransaction,
  hasActivity,
  mergeAggregates,
  REPAYMENT_FIELDS,
  TRANSACTION_FIELDS,
  type FeatureRepayment,
  type FeatureTransaction,
} from './window-aggregate.ts';

export const WINDOW_SIZE_MS = 30 * DAY_MS;
export const WINDOW_ADVANCE_MS = DAY_MS;
export const WINDOW_GRACE_MS = DAY_MS;

/** A transaction or a repayment, told apart by a field only repayments have (no wrapper object per record). */
type Activity = FeatureTransaction | FeatureRepayment;

function isRepayment(a: Activity): a is FeatureRepayment {
  return (a as Partial<FeatureRepayment>).due_at !== undefined;
}

export function riskFeaturesTopology(avro: AvroSerde, options: TopologyOptions = {}): Topology {
  const emitFrom = options.emitWindowsFrom ?? -Infinity;
  const b = new StreamsBuilder();
  const applicationSerde = avroSerde(avro, 'loan-applications');
  const applications = b.versionedTable<LoanApplication>('loan-applications', {
    valueSerde: applicationSerde,
    storeName: 'loan-applications-versioned',
    // Versions as Avro (~70 bytes) rather than v8 (~340): every application rewrites its key's
    // history in the changelog. The serde is the source's, prepared with it.
    storeSerde: alsoReadingV8(applicationSerde),
    // Lookups ask as of window_end - 1 of windows still open, which end after stream time - grace;
    // older superseded versions can never be asked for again (the one in force is always kept).
    historyRetentionMs: WINDOW_GRACE_MS + WINDOW_ADVANCE_MS,
  });
  const transactions = b
    // Only the fields the features read are decoded (the ids, currency and channel are skipped).
    .stream<Activity>('transactions', { valueSerde: avroFieldsSerde(avro, 'transactions', TRANSACTION_FIELDS) });
  const repayments = b.stream<Activity>('repayments', { valueSerde: avroFieldsSerde(avro, 'repayments', REPAYMENT_FIELDS) });

  transactions
    .merge(repayments)
    .groupByKey()
    .windowedBy(TimeWindows.hopping(WINDOW_SIZE_MS, WINDOW_ADVANCE_MS).grace(WINDOW_GRACE_MS))
    .aggregate<FeatureAggregate>(
      {
        init: emptyAggregate,
        add: (agg, a) => (isRepayment(a) ? addRepayment(agg, a) : addTransaction(agg, a, categorize(a))),
        merge: mergeAggregates,
      },
      { storeName: 'activity-slices', aggregateSerde: featureAggregateSerde },
    )
    .suppress(untilWindowCloses())
    .toStream()
    // Windows before a replay's floor were emitted complete before the replay: never emit them partial.
    .filter((window, agg) => hasActivity(agg) && window.start >= emitFrom)
    // As of window_end - 1: the latest application with event_time < window_end.
    .leftJoin(applications, (agg, app, window) => featuresOf(window, agg, app), {
      tableKey: (window) => window.key,
      asOf: (window) => window.end - 1,
    })
    .to('risk-features', { valueSerde: avroSerde(avro, 'risk-features') });
  return b.build();
}

/** The aggregate's fields are named as the risk-features fields they become: copied as they are. */
export function featuresOf(window: Windowed<string>, agg: FeatureAggregate, app: LoanApplication | null): RiskFeatures {
  const ratios = applicationRatios(app);
  // One spread, named fields around it: a second spread after the first (`...agg, ...ratios`) sends
  // V8 down its slow generic copy, ~50 times the cost of this literal, once per emitted window.
  return {
    event_id: `${window.key}:${window.start}`,
    event_time: window.end,
    customer_id: window.key,
    window_start: window.start,
    window_end: window.end,
    ...agg,
    dti: ratios.dti,
    ltv: ratios.ltv,
    utilization: ratios.utilization,
    computed_at: Date.now(),
  };
}
