import type { Command } from 'commander';
import { connectFile, rejectedLoadReason } from '../../connectors/sources/file/connect-file.ts';
import type { TimeUnit } from '../../connectors/sources/file/time-field.ts';
import { ExitStatusError } from '../fail.ts';
import { formatCount, ProgressLine } from '../progress.ts';
import { positiveInt, print, withEnvironment } from '../session.ts';

/** Exit status of a load that finished but rejected too many lines (1 stays for refusals and errors). */
const REJECTED_EXIT = 2;

export default async function connectFileCommand(
  program: Command,
  opts: { topic: string; path: string; format?: 'ndjson' | 'csv'; timeUnit: TimeUnit; maxErrors?: string },
): Promise<void> {
  if (opts.format !== undefined && opts.format !== 'ndjson' && opts.format !== 'csv')
    throw new Error(`--format must be ndjson or csv, got '${opts.format}'`);
  const maxErrors = opts.maxErrors === undefined ? undefined : positiveInt(opts.maxErrors, '--max-errors');
  const rejected = await withEnvironment(program, async (env) => {
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
        onProgress: (p) =>
          progress.update(
            `connect: ${formatCount(p.lines)} lines, ${formatCount(p.written)} written, ${formatCount(p.deadLettered)} dead-lettered`,
          ),
      });
      progress.done();
      const reasons = Object.entries(s.byReason).map(([r, n]) => `  ${n} × ${r}`);
      process.stderr.write(
        `connect: ${s.path} → ${s.topic}: ${s.lines} lines, ${s.written} written, ${s.deadLettered} to ${s.topic}.dlq\n${reasons.join('\n')}${reasons.length ? '\n' : ''}`,
      );
      print(JSON.stringify({ topic: s.topic, lines: s.lines, written: s.written, dead_lettered: s.deadLettered }));
      return rejectedLoadReason(s, maxErrors);
    } finally {
      progress.done();
      await admin.close();
      await producer.close();
    }
  });
  if (rejected !== undefined) throw new ExitStatusError(rejected, REJECTED_EXIT);
}
