// End-to-end throughput of the debtor-priority pipeline on the embedded log, exactly-once:
// debtor updates (BENCH_DP_EVENTS records, default 200,000, over 50,000 debtors of 20,000 customers,
// statuses leaving and re-entering the worklist) and one risk score per ten updates, in; the
// worklist heaps kept and collection-priorities out, with one stream thread per core (BENCH_THREADS to
// change; 1 runs a plain StreamsApp), as bench/runtime.ts runs risk-features. Figures: input records
// per second end to end and from the first records in (processing_eps, start-up left out), and CPU
// microseconds per input record (the whole process: every thread, GC).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createEmbeddedBackend, StreamsApp, StreamThreads, type ProduceRecord } from '../engine/index.ts';
import type { BenchThreadArgs } from './runtime-thread.ts';
import { Random } from '../models/random.ts';
import { timeUntilIdle } from './timed-run.ts';
import { debtorPriorityTopology } from '../pipelines/debtor-priority/topology.ts';
import { FileSchemaRegistry } from '../schemas/registry/file-registry.ts';
import { AvroSerde } from '../schemas/serde.ts';
import type { Debtor, DebtorStatus, RiskScore } from '../schemas/types.ts';

const EVENTS = Number(process.env.BENCH_DP_EVENTS ?? 200_000);
const DEBTORS = 50_000;
const CUSTOMERS = 20_000;
const STATUSES: DebtorStatus[] = ['ACTIVE', 'ACTIVE', 'ACTIVE', 'PAYING', 'SETTLED', 'WRITTEN_OFF'];
const T0 = Date.UTC(2024, 0, 1);
/** Stream threads (Kafka Streams' num.stream.threads): one per core by default. */
const THREADS = Number(process.env.BENCH_THREADS ?? os.availableParallelism());

function inputs(random: Random): ProduceRecord[][] {
  const avro = serde;
  const batches: ProduceRecord[][] = [];
  let batch: ProduceRecord[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const t = T0 + i * 1_000;
    if (i % 10 === 9) {
      const customer_id = `c${Math.floor(random.next() * CUSTOMERS)}`;
      const s: RiskScore = {
        event_id: `s${i}`,
        tenant_id: 't',
        event_time: t,
        customer_id,
        window_start: t,
        window_end: t,
        default_probability: random.next(),
        risk_band: 'C',
        model_name: 'default-risk',
        model_version: 1,
      };
      batch.push({ topic: 'risk-scores', key: Buffer.from(customer_id), value: avro.encode('risk-scores', s), timestamp: t });
    } else {
      const n = Math.floor(random.next() * DEBTORS);
      const d: Debtor = {
        event_id: `d${i}`,
        tenant_id: 't',
        event_time: t,
        debtor_id: `d${n}`,
        customer_id: `c${n % CUSTOMERS}`,
        partner_id: `p${n % 7}`,
        debt_amount_cents: Math.floor(random.next() * 5_000_000),
        days_past_due: Math.floor(random.next() * 300),
        last_payment_at: null,
        contact_attempts: Math.floor(random.next() * 10),
        broken_promises: Math.floor(random.next() * 4),
        status: STATUSES[Math.floor(random.next() * STATUSES.length)],
      };
      batch.push({ topic: 'debtors', key: Buffer.from(d.debtor_id), value: avro.encode('debtors', d), timestamp: t });
    }
    if (batch.length === 10_000) {
      batches.push(batch);
      batch = [];
    }
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

let serde: AvroSerde;

export async function run(): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-dp-'));
  const backend = createEmbeddedBackend(path.join(dir, 'log'));
  try {
    serde = new AvroSerde(new FileSchemaRegistry(path.join(dir, 'registry')));
    await serde.prepare(['debtors', 'risk-scores', 'collection-priorities']);
    await backend.admin().createTopics([
      { name: 'debtors', partitions: 4 },
      { name: 'risk-scores', partitions: 4 },
    ]);
    const producer = await backend.producer();
    for (const batch of inputs(new Random(7))) await producer.send(batch);
    await producer.close();
    const applicationId = 'bench-debtor-priority';
    const stateDir = path.join(dir, 'state');
    const logger = pino({ level: 'warn' });
    const app =
      THREADS > 1
        ? new StreamThreads({
            applicationId,
            threads: THREADS,
            backend,
            logger,
            factory: {
              module: new URL('./runtime-thread.ts', import.meta.url).href,
              exportName: 'benchDebtorPriorityApp',
              args: {
                log: { kind: 'embedded', dataDir: path.join(dir, 'log') },
                registryDir: path.join(dir, 'registry'),
                stateDir,
                applicationId,
                guarantee: 'exactly_once',
              } satisfies BenchThreadArgs,
            },
          })
        : new StreamsApp({ applicationId, topology: debtorPriorityTopology(serde, {}), backend, stateDir, logger });
    const run = await timeUntilIdle(app, EVENTS);
    await app.stop();
    return {
      debtor_priority_embedded_eps: Math.round(EVENTS / run.seconds),
      debtor_priority_processing_eps: run.processingEps,
      // CPU of the whole process per input record: steadier than records/s on a shared machine.
      debtor_priority_cpu_us_per_record: Number(run.cpuMicrosPerRecord.toFixed(2)),
    };
  } finally {
    await backend.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
