import type { Command } from 'commander';
import { pipelinesNamed } from '../../app/catalog.ts';
import { parseReplayPoint, replayPipeline } from '../../app/replay.ts';
import { print, withEnvironment } from '../session.ts';

export default async function replay(program: Command, pipeline: string, opts: { from: string }): Promise<void> {
  if (pipeline === 'all') throw new Error('replay takes one pipeline name, not all');
  const [def] = pipelinesNamed([pipeline]);
  const point = parseReplayPoint(opts.from);
  await withEnvironment(program, async (env) => {
    const s = await replayPipeline(env, def, point);
    print(`${s.pipeline}: rewound to ${new Date(s.rewindTo).toISOString()} (replay from ${s.from})`);
    print(
      `  input offsets reset on ${s.inputOffsets.length} partitions; ${s.changelogsDropped.length} internal topics dropped with the state`,
    );
    print(`  output records kept ${s.outputRecordsKept}, to be recomputed ${s.outputRecordsDropped}`);
    for (const d of s.landedDeleted)
      print(
        `  ${d.topic}: ${d.warehouseRows} warehouse rows (${d.table}) and ${d.lakeFiles} lake files deleted; the sinks land it again from offset 0`,
      );
    for (const d of s.downstreamRewound)
      print(`  ${d.pipeline} had read past the cut: set back to it on ${d.offsets.length} partitions (it reads the recomputed records)`);
    print(`next: riskstream run ${s.pipeline} --until-idle`);
  });
}
