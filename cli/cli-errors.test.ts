// Bad input on the command line: one line on stderr naming what is wrong, a non-zero exit, and
// nothing started. Run as a user does, through bin/riskstream.js.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_BIN, cliOutcome, refusal } from '../pipelines/testing/cli-process.ts';

const root = mkdtempSync(join(tmpdir(), 'rs-cli-errors-'));
const dataDir = join(root, 'data');
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('riskstream refuses bad input in one line', () => {
  it.each([
    [['run', 'all', '--until-idle', '--threads', 'abc'], "--threads must be a positive integer, got 'abc'"],
    [['run', 'all', '--until-idle', '--threads', '0'], "--threads must be a positive integer, got '0'"],
    [['run', 'all', '--until-idle', '--workers', '0'], "--workers must be a positive integer, got '0'"],
    [['run', 'all', '--until-idle', '--workers', '1.5'], "--workers must be a positive integer, got '1.5'"],
    [
      ['run', 'all', '--until-idle', '--workers', '2'],
      '--workers > 1 needs --backend kafka (the embedded log serves one worker process per data dir; use --threads N for more cores)',
    ],
    [['generate', '--events', '-3'], "--events must be a positive integer, got '-3'"],
    [['generate', '--seed', 'x'], "--seed must be a non-negative integer, got 'x'"],
  ])('%j', (args, message) => {
    expect(cliOutcome(dataDir, args)).toEqual(refusal(message));
  });

  it.each([
    [['run', 'all', '--until-idl'], "unknown option '--until-idl' (did you mean --until-idle?); see riskstream run --help"],
    [['qurey', 'SELECT 1'], "unknown command 'qurey' (did you mean query?); see riskstream --help"],
    [['connect', 'fil'], "unknown command 'fil' (did you mean file?); see riskstream connect --help"],
    [['replay', 'risk-features'], "required option '--from <point>' not specified; see riskstream replay --help"],
    [['run'], "missing required argument 'pipelines'; see riskstream run --help"],
    [
      ['worklist', '--format', 'xml'],
      "option '--format <format>' argument 'xml' is invalid. Allowed choices are table, json, csv; see riskstream worklist --help",
    ],
  ])('usage error %j: one line naming the help of the command', (args, message) => {
    expect(cliOutcome(dataDir, args)).toEqual(refusal(message));
  });

  it('refuses to read a data dir that does not exist, and does not create it', () => {
    const typo = join(root, 'riskstrem');
    const reason = `no data dir at ${typo}: nothing to read (riskstream demo, generate or connect file writes one; --data-dir or RISKSTREAM_DATA_DIR names another)`;
    for (const args of [
      ['query', 'SELECT count() FROM transactions FINAL'],
      ['worklist'],
      ['state', 'get', 'worklist', 'dbt-1'],
      ['state', 'range', 'worklist'],
      ['review', 'list'],
      ['dlq', 'list'],
      ['dlq', 'show', 'transactions'],
      ['topics', 'list'],
      ['models', 'list'],
    ]) {
      expect(cliOutcome(typo, ['--backend', 'embedded', ...args]), args.join(' ')).toEqual(refusal(reason));
    }
    expect(existsSync(typo)).toBe(false);
  });

  it('names the values of the label when --positive is none of them', () => {
    const csv = join(root, 'loans.csv');
    writeFileSync(csv, 'amount,class\n100,Good\n200,Bad\n300,Good\n');
    expect(cliOutcome(dataDir, ['models', 'evaluate', '--data', csv, '--label', 'class', '--positive', 'bad'])).toEqual(
      refusal(`${csv}: no row has label 'class' = 'bad' (its values: Good, Bad)`),
    );
  });

  it('refuses a query of two statements or with a FORMAT clause', () => {
    mkdirSync(dataDir, { recursive: true });
    const two = cliOutcome(dataDir, ['query', 'SELECT 1; SELECT 2']);
    expect([two.status, two.stderr]).toEqual([1, 'riskstream: the query holds 2 statements; run one at a time\n']);
    const format = cliOutcome(dataDir, ['query', 'SELECT 1 FORMAT JSON']);
    expect([format.status, format.stderr]).toEqual([
      1,
      'riskstream: the query ends in FORMAT JSON: leave it out and choose the output with --format table, json or csv\n',
    ]);
    const one = cliOutcome(dataDir, ['query', '--format', 'csv', "SELECT 'a;b' AS x;"]);
    expect([one.status, one.stdout]).toEqual([0, '"x"\n"a;b"\n']);
  });

  it('says a data dir it cannot write is not writable', () => {
    const readOnly = join(root, 'read-only');
    mkdirSync(readOnly);
    chmodSync(root, 0o755);
    chmodSync(readOnly, 0o555);
    const nobody = process.getuid?.() === 0 ? 65534 : undefined;
    // The other user must reach the checkout: a clone in a `mktemp -d` dir (mode 700) is closed to it.
    // Its ancestors get traversal (o+x) for the test and their modes back afterwards.
    const opened: [string, number][] = [];
    if (nobody !== undefined) {
      for (let d = dirname(CLI_BIN); d !== dirname(d); d = dirname(d)) {
        const mode = statSync(d).mode & 0o7777;
        if ((mode & 0o001) === 0) {
          opened.push([d, mode]);
          chmodSync(d, mode | 0o001);
        }
      }
    }
    try {
      checkNotWritable(readOnly, nobody);
    } finally {
      for (const [d, mode] of opened) chmodSync(d, mode);
    }
  });
});

function checkNotWritable(readOnly: string, nobody: number | undefined): void {
  {
    for (const [dir, args] of [
      [readOnly, ['topics', 'list']],
      [join(readOnly, 'data'), ['run', 'all', '--until-idle']],
      [readOnly, ['query', 'SELECT 1']],
    ] as const) {
      const r = cliOutcome(dir, args, { asUser: nobody });
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(new RegExp(`^riskstream: data dir ${dir} is not writable \\(EACCES\\)\\n$`));
    }
  }
}
