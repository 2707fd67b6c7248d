// `riskstream --version` prints the version of the installed package, as a user runs it.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { cliOutcome } from '../pipelines/testing/cli-process.ts';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

describe('riskstream --version', () => {
  it('prints the package.json version and exits 0', () => {
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    for (const flag of ['--version', '-V']) expect(cliOutcome(tmpdir(), [flag])).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
  });
});
