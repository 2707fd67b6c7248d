// Throughput of the reconciliation pipeline on the embedded log, exactly-once: book updates and
// partner reports in (BENCH_RECON_EVENTS records, default 200,000, over 20,000 debtors), results,
// audit records and MISSING_AT_PARTNER timers out. One in ten reports disagrees with the book (half
// within the tolerance rule), one debtor in twenty is never reported.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createEmbeddedBackend, StreamsApp, type Backend, type ProduceRecord } from '../engine/index.ts';
import { reconciliationTopology } from '../pipelines/reconciliation/topology.ts';
import { FileSchemaRegistry } from '../schemas/registry/file-registry.ts';
import { AvroSerde } from '../schemas/serde.ts';
import type { Debtor, PartnerRecord } from '../schemas/types.ts';
import { timeUntilIdle } from './timed-run.ts';

const EVENTS = Number(process.env.BENCH_RECON_EVENTS ?? 200_000);
const DEBTORS = 20_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

function records(avro: AvroSerde): ProduceRecord[] {
  const out: ProduceRecord[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const n = i % DEBTORS;
    const round = Math.floor(i / DEBTORS);
    const id = `debtor-${n}`;
    const at = T0 + round * 12 * HOUR + (n % 600) * 1000;
    const balance = 100_000 + n * 10 - Math.floor(round / 2) * 1000;
    if (round % 2 === 0) {
      const d: Debtor = {
        event_id: `d-${i}`,
        tenant_id: 't',
        event_time: at,
        debtor_id: id,
        customer_id: `c-${n}`,
        partner_id: `partner-${n % 7}`,
        debt_amount_cents: balance,
        days_past_due: 30,
        last_payment_at: null,
        contact_attempts: 1,
        broken_promises: 0,
        status: 'ACTIVE',
      };
      out.push({ topic: 'debtors', key: Buffer.from(id), value: avro.encode('debtors', d), timestamp: at });
    } else if (n % 20 !== 0) {
      const off = n % 10 === 1 ? (n % 20 === 1 ? 40 : 5_000) : 0;
      const p: PartnerRecord = {
        event_id: `p-${i}`,
        tenant_id: 't',
        event_time: at,
        partner_id: `partner-${n % 7}`,
        debtor_id: id,
        reported_balance_cents: balance + off,
        reported_status: 'ACTIVE',
      };
      out.push({ topic: 'partner-records', key: Buffer.from(id), value: avro.encode('partner-records', p), timestamp: at });
    }
  }
  return out;
}

export async function run(): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-reconciliation-'));
  const backend: Backend = createEmbeddedBackend(path.join(dir, 'log'));
  try {
    const avro = new AvroSerde(new FileSchemaRegistry(path.join(dir, 'registry')));
    const topics = ['debtors', 'partner-records', 'review-decisions', 'reconciliation-results', 'audit-log'] as const;
    await avro.prepare([...topics]);
    await backend.admin().createTopics(topics.map((name) => ({ name, partitions: 4 })));
    const input = records(avro);
    const producer = await backend.producer();
    for (let i = 0; i < input.length; i += 10_000) await producer.send(input.slice(i, i + 10_000));
    await producer.close();
    const app = new StreamsApp({
      applicationId: 'bench-reconciliation',
      topology: reconciliationTopology(avro),
      backend,
      stateDir: path.join(dir, 'state'),
      logger: pino({ level: 'warn' }),
    });
    const { seconds } = await timeUntilIdle(app, input.length);
    await app.stop();
    return { reconciliation_embedded_eps: Math.round(input.length / seconds) };
  } finally {
    await backend.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
