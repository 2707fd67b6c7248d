// Prometheus metrics of one StreamsApp, in a registry of its own (several apps may share a process).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class StreamsMetrics {
  readonly registry = new Registry();
  readonly recordsIn: Counter;
  readonly recordsOut: Counter;
  readonly dlqRecords: Counter;
  readonly lateRecords: Counter;
  readonly partitionsRevoked: Counter;
  readonly processLatency: Histogram;
  readonly commitLatency: Histogram;
  readonly lag: Gauge;
  readonly restoreProgress: Gauge;
  readonly recordsInRate: Gauge;
  readonly recordsOutRate: Gauge;

  constructor(applicationId: string, withDefaults = false) {
    this.registry.setDefaultLabels({ application_id: applicationId });
    const registers = [this.registry];
    this.recordsIn = new Counter({ name: 'riskstream_records_in_total', help: 'Input records processed', registers });
    this.recordsOut = new Counter({
      name: 'riskstream_records_out_total',
      help: 'Records written to output topics (committed)',
      registers,
    });
    this.dlqRecords = new Counter({ name: 'riskstream_dlq_records_total', help: 'Records sent to a dead-letter topic', registers });
    this.lateRecords = new Counter({ name: 'riskstream_late_records_total', help: 'Records sent to a .late topic', registers });
    this.partitionsRevoked = new Counter({
      name: 'riskstream_partitions_revoked_total',
      help: 'Input partitions a rebalance took from this member (their tasks moved)',
      registers,
    });
    this.processLatency = new Histogram({
      name: 'riskstream_process_batch_seconds',
      help: 'Time to process one polled batch',
      registers,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    });
    this.commitLatency = new Histogram({
      name: 'riskstream_commit_seconds',
      help: 'Time of one commit (all partitions)',
      registers,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    });
    this.lag = new Gauge({
      name: 'riskstream_consumer_lag',
      help: 'Records not yet consumed, per input topic',
      labelNames: ['topic'],
      registers,
    });
    this.restoreProgress = new Gauge({
      name: 'riskstream_restore_remaining',
      help: 'Changelog records left to restore, per task and store',
      labelNames: ['task', 'store'],
      registers,
    });
    this.recordsInRate = new Gauge({
      name: 'riskstream_records_in_per_second',
      help: 'Input records per second over the last interval',
      registers,
    });
    this.recordsOutRate = new Gauge({
      name: 'riskstream_records_out_per_second',
      help: 'Output records per second over the last interval',
      registers,
    });
    if (withDefaults) collectDefaultMetrics({ register: this.registry });
  }
}
