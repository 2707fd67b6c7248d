// patches/avsc+5.7.9.patch: avsc checks a long with Number.isSafeInteger instead of `val % 1` (a
// float modulo per long written, four per risk-features record). Same values accepted and refused.
import avro from 'avsc';
import { describe, expect, it } from 'vitest';

const type = avro.Type.forSchema({ type: 'record', name: 'Longs', fields: [{ name: 'at', type: 'long' }] });

describe('avsc long writing (patched)', () => {
  it('is the patched check', () => {
    expect(String((avro.types.LongType.prototype as unknown as { _write: unknown })._write)).toContain('Number.isSafeInteger');
  });

  it('round-trips the longs it accepts, timestamps and negative values included', () => {
    for (const at of [0, 1, -1, 2 ** 31, -(2 ** 31) - 1, 1_795_332_552_145, -1_795_332_552_145, 2 ** 52 - 1, -(2 ** 52) + 1]) {
      expect(type.fromBuffer(type.toBuffer({ at }))).toEqual({ at });
    }
  });

  it('refuses what is not a safe integer, as before', () => {
    for (const at of [1.5, -0.25, Number.NaN, Infinity, 2 ** 53, 9_007_199_254_740_991, '5', null]) {
      expect(() => type.toBuffer({ at })).toThrow(/invalid "long"/);
    }
  });
});
