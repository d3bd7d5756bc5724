import { describe, expect, it } from 'vitest';
import { Decimal } from '../../embedded/ksqldb/expr/decimal.ts';
import { stringifyJson } from '../../embedded/ksqldb/expr/long.ts';
import { keyString, windowKeyString } from '../../embedded/ksqldb/state/key-string.ts';

describe('state-store keys', () => {
  // the changelog holds these texts: a store restored from one written before must find its keys
  it('are the text stringifyJson writes, for every kind of key value', () => {
    const keys: unknown[][] = [
      [],
      ['Ads'],
      ['with "quotes", \\ and \u00e9\n'],
      ['a"\u0001DEC1\u0001DEC', 'lone \ud800 surrogate', 'tab\there'],
      [42, -0, 1.5, 1e21, -3e-7],
      [Number.NaN, Number.POSITIVE_INFINITY],
      [true, false, null, undefined],
      [['Ads'], 1_700_000_000_000, 1_700_000_060_000],
      [null, 5, 6],
      [2n ** 70n],
      [{ A: 1 }],
      ['\u0001DEC1.5\u0001DEC'],
    ];
    keys.push([new Decimal(15n, 1)], [['x'], new Decimal(-5n, 2)]);
    for (const key of keys) expect(keyString(key)).toBe(stringifyJson(key));
    expect(keyString(null)).toBe(stringifyJson(null));
    expect(windowKeyString(['Ads'], 1_700_000_000_000)).toBe(stringifyJson([['Ads'], 1_700_000_000_000]));
    expect(windowKeyString([2n ** 70n], 60_000)).toBe(stringifyJson([[2n ** 70n], 60_000]));
  });
});
