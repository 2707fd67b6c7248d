import type { Command } from 'commander';
import { connectFile } from '../../connectors/sources/file/connect-file.ts';
import type { TimeUnit } from '../../connectors/sources/file/time-field.ts';
import { formatCount, ProgressLine } from '../progress.ts';
import { print, withEnvironment } from '../session.ts';

export default async function connectFileCommand(program: Command, opts: { topic: string; path: string; format?: 'ndjson' | 'csv'; timeUnit: TimeUnit }): Promise<void> {
  if (opts.format !== undefined && opts.format !== 'ndjson' && opts.format !== 'csv') throw new Error(`--format must be ndjson or csv, got '${opts.format}'`);
  await withEnvironment(program, async (env) => {
    const producer = await env.backend.producer();
    const admin = env.backend.admin();
    const progress = new ProgressLine();
    try {
      const s = await connectFile({
        producer,
        serde: env.serde,
        admin,
        topic: opts.topic,
        path: opts.path,
        format: opts.format,
        timeUnit: opts.timeUnit,
        eventTimeBounds: { minEventTime: env.settings.minEventTime, maxEventTimeSkewMs: env.settings.maxEventTimeSkewMs },
        onProgress: (p) => progress.update(`connect: ${formatCount(p.lines)} lines, ${formatCount(p.written)} written, ${formatCount(p.deadLettered)} dead-lettered`),
      });
      progress.done();
      const reasons = Object.entries(s.byReason).map(([r, n]) => `  ${n} × ${r}`);
      process.stderr.write(`connect: ${s.path} → ${s.topic}: ${s.lines} lines, ${s.written} written, ${s.deadLettered} to ${s.topic}.dlq\n${reasons.join('\n')}${reasons.length ? '\n' : ''}`);
      print(JSON.stringify({ topic: s.topic, lines: s.lines, written: s.written, dead_lettered: s.deadLettered }));
    } finally {
      progress.done();
      await admin.close();
      await producer.close();
    }
  });
}
