// `riskstream dlq list|show` on a real embedded log: dead letters the file connector wrote (a file and
// a line) beside ones a task or sink wrote (a source record, an Avro payload).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectFile } from '../connectors/sources/file/connect-file.ts';
import { type Backend, createEmbeddedBackend, deadLetterOf } from '../engine/index.ts';
import { FileSchemaRegistry } from '../schemas/registry/file-registry.ts';
import { cliOutcome } from '../pipelines/testing/cli-process.ts';
import { AvroSerde } from '../schemas/serde.ts';
import { DeadLetterTopicError, formatDeadLetters, formatDeadLetterTopics, listDeadLetterTopics, readDeadLetters } from './dead-letters.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'rs-dlq-'));
const file = join(dataDir, 'txns.ndjson');
let backend: Backend;

beforeAll(async () => {
  backend = createEmbeddedBackend(dataDir);
  writeFileSync(file, '{oops\n\n{"event_id": "e2"}\n');
  const producer = await backend.producer();
  const admin = backend.admin();
  await connectFile({
    producer,
    admin,
    serde: new AvroSerde(new FileSchemaRegistry(join(dataDir, 'registry'))),
    topic: 'transactions',
    path: file,
  });
  await admin.createTopics([
    { name: 'debtors.dlq', partitions: 1 },
    { name: 'debtors', partitions: 1 },
  ]);
  const source = {
    topic: 'debtors',
    partition: 3,
    offset: 41,
    key: Buffer.from('d1'),
    value: Buffer.from([0, 0, 0, 0, 9, 0x80]),
    timestamp: 1_704_067_200_000,
    headers: {},
  };
  await producer.send([
    deadLetterOf(source, 'cannot decode debtors: truncated'),
    deadLetterOf({ ...source, offset: 42, timestamp: 1_704_067_201_000 }, 'cannot decode debtors: truncated'),
  ]);
  await admin.close();
  await producer.close();
});
afterAll(async () => {
  await backend?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('dead-letter topics', () => {
  it('lists every .dlq topic with its record count', async () => {
    expect(await listDeadLetterTopics(backend)).toEqual([
      { topic: 'debtors.dlq', partitions: 1, records: 2 },
      { topic: 'transactions.dlq', partitions: 1, records: 2 },
    ]);
    expect(formatDeadLetterTopics(await listDeadLetterTopics(backend), 'csv')).toBe(
      '"topic","partitions","records"\n"debtors.dlq",1,2\n"transactions.dlq",1,2\n',
    );
  });

  it('shows lines the file connector rejected: reason, file and line, the line as text', async () => {
    const rows = await readDeadLetters(backend, 'transactions', 10);
    expect(rows.map((r) => [r.offset, r.origin, r.file, r.line, r.source_topic, r.payload_encoding, r.payload])).toEqual([
      [0, `${file}:1`, file, 1, 'transactions', 'utf8', '{oops'],
      [1, `${file}:3`, file, 3, 'transactions', 'utf8', '{"event_id": "e2"}'],
    ]);
    expect(rows[0].error).toMatch(/JSON/);
    expect(await readDeadLetters(backend, 'transactions.dlq', 10)).toEqual(rows);
  });

  it('shows records a task or sink rejected: source coordinates, Avro bytes as base64; --limit keeps the latest', async () => {
    const [row] = await readDeadLetters(backend, 'debtors', 1);
    expect(row).toMatchObject({
      offset: 1,
      source_topic: 'debtors',
      source_partition: 3,
      source_offset: 42,
      origin: 'debtors[3]@42',
      file: null,
      line: null,
      payload_encoding: 'base64',
      payload: 'AAAAAAmA',
    });
    expect(formatDeadLetters([row], 'json')).toBe(
      '{"dlq_topic":"debtors.dlq","partition":0,"offset":1,"event_time":"2024-01-01 00:00:01.000","error":"cannot decode debtors: truncated",' +
        '"source_topic":"debtors","source_partition":3,"source_offset":42,"file":null,"line":null,"origin":"debtors[3]@42","payload_encoding":"base64","payload":"AAAAAAmA"}\n',
    );
    expect(formatDeadLetters([row], 'table').split('\n')).toEqual([
      'partition  offset  event_time               error                             origin         payload_encoding  payload',
      '---------  ------  -----------------------  --------------------------------  -------------  ----------------  --------',
      '        0       1  2024-01-01 00:00:01.000  cannot decode debtors: truncated  debtors[3]@42  base64            AAAAAAmA',
      '(1 row)',
      '',
    ]);
  });

  it('an unknown dead-letter topic is an error naming the ones there are', async () => {
    await expect(readDeadLetters(backend, 'repayments', 5)).rejects.toThrow(
      new DeadLetterTopicError('no dead-letter topic repayments.dlq (dead-letter topics: debtors.dlq, transactions.dlq)'),
    );
  });

  it('riskstream dlq show, as a child process, prints the same rows', () => {
    const res = cliOutcome(dataDir, ['dlq', 'show', 'transactions.dlq', '--format', 'csv', '--limit', '1'], {
      env: { RISKSTREAM_BACKEND: 'embedded' },
    });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const [header, line, end] = res.stdout.split('\n');
    expect(header).toBe(
      '"dlq_topic","partition","offset","event_time","error","source_topic","source_partition","source_offset","file","line","origin","payload_encoding","payload"',
    );
    expect(line).toMatch(
      new RegExp(
        `^"transactions.dlq",0,1,"[0-9: .-]+",".+","transactions",\\\\N,\\\\N,"${file}",3,"${file}:3","utf8","{""event_id"": ""e2""}"$`,
      ),
    );
    expect(end).toBe('');
  });
});
