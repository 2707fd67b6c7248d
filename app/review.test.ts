// The pieces of `riskstream review` that need no warehouse: decision names, quoting, the request checks
// made before the warehouse is asked (cli/commands/review.test.ts runs the commands themselves).
import { describe, expect, it } from 'vitest';
import { decisionNamed, openCasesSql, reviewDecisionFor, ReviewRefusedError, sqlString } from './review.ts';

describe('review', () => {
  it('knows the three decisions and names them when refusing another', () => {
    expect(['accept_partner', 'keep_ours', 'write_off'].map(decisionNamed)).toEqual(['accept_partner', 'keep_ours', 'write_off']);
    expect(() => decisionNamed('Write_Off')).toThrow(
      new ReviewRefusedError("review resolve: no decision 'Write_Off' (decisions: accept_partner, keep_ours, write_off)"),
    );
  });

  it('quotes a partner name so that it stays one string literal', () => {
    expect(sqlString("o'brien\\")).toBe("'o\\'brien\\\\'");
    expect(openCasesSql("x' OR 1=1 --")).toContain("AND partner_id = 'x\\' OR 1=1 --'");
    expect(openCasesSql()).not.toContain('partner_id =');
  });

  it('refuses an empty --by or --reason before asking the warehouse', async () => {
    const never = () => Promise.reject(new Error('the warehouse was asked'));
    await expect(reviewDecisionFor(never, { caseId: 'c', decision: 'keep_ours', by: ' ', reason: 'r' })).rejects.toThrow(
      'review resolve: --by needs the name of who decides',
    );
    await expect(reviewDecisionFor(never, { caseId: 'c', decision: 'keep_ours', by: 'a', reason: '' })).rejects.toThrow(
      'review resolve: --reason needs a reason',
    );
  });
});
