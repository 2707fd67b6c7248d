import type { Command } from 'commander';
import { decisionNamed, produceReviewDecision, reviewDecisionFor, warehouseSql } from '../../app/review.ts';
import { settingsOf } from '../context.ts';
import { print, withEnvironment } from '../session.ts';

export default async function reviewResolve(
  program: Command,
  caseId: string,
  opts: { decision: string; by: string; reason: string },
): Promise<void> {
  decisionNamed(opts.decision); // refused before the warehouse is asked anything
  const record = await reviewDecisionFor(warehouseSql(settingsOf(program)), { caseId, ...opts });
  await withEnvironment(program, async (env) => {
    const producer = await env.backend.producer();
    const admin = env.backend.admin();
    try {
      await produceReviewDecision({ producer, admin }, env.serde, record);
    } finally {
      await admin.close();
      await producer.close();
    }
  });
  process.stderr.write(`review: ${record.decision} on case ${caseId} sent; the reconciliation pipeline closes it\n`);
  print(JSON.stringify(record));
}
