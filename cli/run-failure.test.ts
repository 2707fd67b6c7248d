// A pipeline that fails during a plain `riskstream run all` (not a poison record, which goes to the
// DLQ) stops the whole run: one line naming the pipeline and its error, the other pipelines and the
// sinks commit and close, exit 1. Trigger: the pipeline's changelog topics are deleted under the
// running process (as when its data dir is removed) and new input arrives, so its next commit fails.
import { afterAll, expect, it } from 'vitest';
import { createEmbeddedBackend } from '../engine/index.ts';
import { exited, runCli, startCli, summaryCount } from '../pipelines/testing/cli-process.ts';
import { TempDirs } from '../pipelines/testing/temp-dirs.ts';

const dirs = new TempDirs('rs-run-failure-');
afterAll(dirs.removeAll);

async function deleteChangelogsOf(dataDir: string, applicationId: string): Promise<string[]> {
  const backend = createEmbeddedBackend(dataDir);
  const admin = backend.admin();
  try {
    const changelogs = (await admin.listTopics())
      .map((t) => t.name)
      .filter((name) => name.startsWith(`${applicationId}-`) && name.endsWith('-changelog'));
    await admin.deleteTopics(changelogs);
    return changelogs;
  } finally {
    await admin.close();
    await backend.close();
  }
}

it.each([
  { threads: [] as string[], where: '' },
  // A stream thread failing while nobody waits on it (no --until-idle) says so by itself.
  { threads: ['--threads', '2'], where: 'stream thread \\d of 2 of riskstream-risk-features failed: ' },
])(
  'a pipeline that fails stops `run all $threads`: one line naming it, exit 1, the others keep what they committed',
  async ({ threads, where }) => {
    const dataDir = dirs.make();
    await runCli(dataDir, ['generate', '--events', '3000']);
    // Shutdown's deadline is not what is tested (a loaded machine may need more than 10 s).
    const child = startCli(dataDir, ['run', 'all', ...threads], { env: { RISKSTREAM_STOP_DEADLINE_MS: '300000' } });
    let stderr = '';
    let stdout = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    await new Promise<void>((resolve) => {
      child.stderr?.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (stderr.includes('Ctrl-C to stop')) resolve();
      });
    });
    expect(await deleteChangelogsOf(dataDir, 'riskstream-risk-features')).toContain('riskstream-risk-features-activity-slices-changelog');
    await runCli(dataDir, ['generate', '--events', '1000', '--seed', '9']);
    // Bounded by the test's timeout: before, the process ran on until Ctrl-C and then exited 0.
    await exited(child);

    const lines = stderr.split('\n').filter((l) => l !== '' && !l.startsWith('{') && !/^\S+: .* in \(/.test(l));
    expect(child.exitCode).toBe(1);
    expect(stdout).toBe('');
    expect(lines.slice(0, 2)).toEqual([
      "risk-scores left out: risk-scores needs a promoted 'default-risk' model: riskstream models train --from-warehouse, then riskstream models promote default-risk <version>",
      'running risk-features, risk-scores, reconciliation, debtor-priority; Ctrl-C to stop',
    ]);
    expect(lines.slice(2)).toHaveLength(1);
    expect(lines[2]).toMatch(
      new RegExp(
        `^riskstream: pipeline risk-features failed: ${where}commit of partition \\d failed: unknown topic "riskstream-risk-features-[a-z0-9-]+-changelog" .*; stopping the run \\(commit, flush, close\\)$`,
      ),
    );

    // reconciliation ran beside it: what it committed is kept, and the next run completes it, once.
    const { stdout: summary } = await runCli(dataDir, ['run', 'reconciliation', '--until-idle']);
    const results = summaryCount(summary, 'topic records:', 'reconciliation-results');
    const { stdout: perPartnerRecord } = await runCli(dataDir, [
      'query',
      '--format',
      'csv',
      "SELECT count() FROM reconciliation_results FINAL WHERE kind != 'MISSING_AT_PARTNER'",
    ]);
    expect(Number(perPartnerRecord.trim().split('\n').at(-1))).toBe(summaryCount(summary, 'topic records:', 'partner-records'));
    expect(summaryCount(summary, 'warehouse rows (FINAL):', 'reconciliation_results')).toBe(results);
  },
  300_000,
);
