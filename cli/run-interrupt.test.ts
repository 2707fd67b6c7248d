// Ctrl-C during `riskstream run --until-idle`: the run stops as a plain run does on Ctrl-C (commit,
// flush, close), says it stopped before idle, prints no summary and exits 130; the next run goes on
// from there and the output holds every record once.
import { afterAll, expect, it } from 'vitest';
import { exited, runCli, startCli, summaryCount } from '../pipelines/testing/cli-process.ts';
import { TempDirs } from '../pipelines/testing/temp-dirs.ts';

const dirs = new TempDirs('rs-run-interrupt-');
afterAll(dirs.removeAll);

it('stops cleanly on SIGINT before idle, exits 130, and the next run completes the output once', async () => {
  const dataDir = dirs.make();
  await runCli(dataDir, ['generate', '--events', '40000']);

  // The stop's deadline is not what is tested: on a loaded machine the sinks' final flush can take longer than 10 s.
  const child = startCli(dataDir, ['--log-level', 'info', 'run', 'risk-features', '--until-idle'], {
    env: { RISKSTREAM_STOP_DEADLINE_MS: '300000' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  await new Promise<void>((resolve) => {
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (stderr.includes('"msg":"streams application started"')) resolve();
    });
  });
  child.kill('SIGINT');
  await exited(child);
  const lines = stderr.split('\n').filter((l) => l !== '' && !l.startsWith('{') && !l.startsWith('risk-features:'));
  expect([child.exitCode, stdout, lines]).toEqual([
    130,
    '',
    ['stopping before idle: commit, flush, close (the next run goes on from here)'],
  ]);

  const { stdout: summary } = await runCli(dataDir, ['run', 'risk-features', '--until-idle']);
  const records = summaryCount(summary, 'topic records:', 'risk-features');
  expect(records).toBeGreaterThan(0);
  expect(summaryCount(summary, 'warehouse rows (FINAL):', 'risk_features')).toBe(records);
});
