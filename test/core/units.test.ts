// Unit parsing: every unit, plain numbers in the documented default unit, and
// rejection (with a message) of anything else.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  formatDurationUs,
  parseBandwidthBytesPerS,
  parseDurationUs,
  parseRatePerS,
  parseSizeBytes,
  usToMs,
  type ParseResult,
} from '../../sim/core/units.ts';

function value(r: ParseResult): number {
  if (!r.ok) throw new Error(`expected ok, got: ${r.message}`);
  return r.value;
}

/** Asserts rejection with a message that mentions the input (for strings) and is not empty. */
function expectRejected(r: ParseResult, input: unknown): void {
  expect(r.ok, `${JSON.stringify(input)} should be rejected`).toBe(false);
  if (r.ok) return;
  expect(r.message.length).toBeGreaterThan(10);
  if (typeof input === 'string') expect(r.message).toContain(`"${input}"`);
}

const DURATION_US: Array<[string, number]> = [
  ['us', 1], ['µs', 1], ['ms', 1e3], ['s', 1e6], ['m', 60e6], ['min', 60e6], ['h', 3600e6], ['d', 86_400e6],
];
const SIZE_B: Array<[string, number]> = [
  ['B', 1], ['KB', 1e3], ['MB', 1e6], ['GB', 1e9], ['TB', 1e12], ['KiB', 1024], ['MiB', 1024 ** 2], ['GiB', 1024 ** 3], ['TiB', 1024 ** 4],
];
const PER_S: Array<[string, number]> = [['us', 1e6], ['ms', 1e3], ['s', 1], ['m', 1 / 60], ['min', 1 / 60], ['h', 1 / 3600]];

const NOT_STRINGS_OR_NUMBERS: unknown[] = [null, undefined, true, {}, [], ['5ms'], { ms: 5 }];
const NON_FINITE = [NaN, Infinity, -Infinity];

describe('parseDurationUs', () => {
  it.each(DURATION_US)('accepts %s', (unit, us) => {
    expect(value(parseDurationUs(`3${unit}`))).toBe(3 * us);
    expect(value(parseDurationUs(`1.5 ${unit}`))).toBe(1.5 * us);
  });

  it('reads the examples from the docs', () => {
    expect(value(parseDurationUs('250us'))).toBe(250);
    expect(value(parseDurationUs('70ms'))).toBe(70_000);
    expect(value(parseDurationUs('43s'))).toBe(43_000_000);
    expect(value(parseDurationUs('10m'))).toBe(600_000_000);
    expect(value(parseDurationUs('1h'))).toBe(3_600_000_000);
  });

  it('takes "m" as minutes, distinct from "ms"', () => {
    expect(value(parseDurationUs('5m'))).toBe(300_000_000);
    expect(value(parseDurationUs('5ms'))).toBe(5_000);
  });

  it('reads a plain number as milliseconds, not rounded', () => {
    expect(value(parseDurationUs(70))).toBe(70_000);
    expect(value(parseDurationUs(0.25))).toBe(250);
    expect(value(parseDurationUs(0.0004))).toBeCloseTo(0.4, 12);
    expect(value(parseDurationUs(0))).toBe(0);
  });

  it('accepts number forms: decimals, exponents, signs, surrounding and inner spaces', () => {
    expect(value(parseDurationUs('.5s'))).toBe(500_000);
    expect(value(parseDurationUs('1.ms'))).toBe(1_000);
    expect(value(parseDurationUs('1e3ms'))).toBe(1_000_000);
    expect(value(parseDurationUs('2.5E-3s'))).toBe(2_500);
    expect(value(parseDurationUs('+5ms'))).toBe(5_000);
    expect(value(parseDurationUs('  70 ms '))).toBe(70_000);
  });

  it('keeps the sign: clock offsets may be negative (the schema enforces ranges)', () => {
    expect(value(parseDurationUs('-5ms'))).toBe(-5_000);
    expect(value(parseDurationUs(-2))).toBe(-2_000);
  });

  it.each(['', '   ', 'ms', '5', '5 sec', '5MS', '5Ms', '5 msec', '1e', 'e3ms', '5ms5', '--5ms', '5-ms', 'five ms', '5 m s', '5ms ms', '0x10ms', '1,5ms', '1_000ms', 'Infinityms', 'NaNms', '5KB', '5/s'])(
    'rejects %j with a message',
    (bad) => expectRejected(parseDurationUs(bad), bad),
  );

  it('rejects non-finite numbers and other types with a message', () => {
    for (const bad of [...NON_FINITE, ...NOT_STRINGS_OR_NUMBERS]) expectRejected(parseDurationUs(bad), bad);
  });

  it('property: `${x}${unit}` parses to exactly x × the unit', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }), fc.constantFrom(...DURATION_US), (x, [unit, us]) => {
      expect(value(parseDurationUs(`${x}${unit}`)) === x * us).toBe(true);
    }));
  });
});

describe('parseSizeBytes', () => {
  it.each(SIZE_B)('accepts %s', (unit, bytes) => {
    expect(value(parseSizeBytes(`3${unit}`))).toBe(3 * bytes);
    expect(value(parseSizeBytes(` 0.5 ${unit} `))).toBe(0.5 * bytes);
  });

  it('distinguishes decimal and binary units', () => {
    expect(value(parseSizeBytes('64KB'))).toBe(64_000);
    expect(value(parseSizeBytes('64KiB'))).toBe(65_536);
  });

  it('reads a plain number as bytes', () => {
    expect(value(parseSizeBytes(512))).toBe(512);
  });

  it.each(['', 'KB', '64', '64kb', '64 Kb', '64 bytes', '64b', '64KBs', '64 K B', '64ms', '64KB/s'])('rejects %j with a message', (bad) =>
    expectRejected(parseSizeBytes(bad), bad),
  );

  it('rejects non-finite numbers and other types with a message', () => {
    for (const bad of [...NON_FINITE, ...NOT_STRINGS_OR_NUMBERS]) expectRejected(parseSizeBytes(bad), bad);
  });
});

describe('parseRatePerS', () => {
  it.each(PER_S)('accepts /%s', (unit, perS) => {
    expect(value(parseRatePerS(`30/${unit}`))).toBeCloseTo(30 * perS, 9);
    expect(value(parseRatePerS(`30 / ${unit}`))).toBeCloseTo(30 * perS, 9);
  });

  it('reads the examples from the docs', () => {
    expect(value(parseRatePerS('500/s'))).toBe(500);
    expect(value(parseRatePerS('3/ms'))).toBe(3_000);
    expect(value(parseRatePerS('30/m'))).toBe(0.5);
  });

  it('reads a plain number as per second', () => {
    expect(value(parseRatePerS(250))).toBe(250);
  });

  it.each(['', '500', '500/', '/s', '500 per s', '500/sec', '500 s', '500/S', '5KB/s', '500//s'])('rejects %j with a message', (bad) =>
    expectRejected(parseRatePerS(bad), bad),
  );

  it('rejects non-finite numbers and other types with a message', () => {
    for (const bad of [...NON_FINITE, ...NOT_STRINGS_OR_NUMBERS]) expectRejected(parseRatePerS(bad), bad);
  });
});

describe('parseBandwidthBytesPerS', () => {
  it('accepts every size unit over every time unit', () => {
    for (const [size, bytes] of SIZE_B) {
      for (const [per, perS] of PER_S) {
        const v = value(parseBandwidthBytesPerS(`2${size}/${per}`));
        expect(Math.abs(v - 2 * bytes * perS) / (2 * bytes * perS), `2${size}/${per}`).toBeLessThan(1e-12);
      }
    }
  });

  it('reads the examples from the docs', () => {
    expect(value(parseBandwidthBytesPerS('100MB/s'))).toBe(100e6);
    expect(value(parseBandwidthBytesPerS('1GiB/s'))).toBe(1024 ** 3);
    expect(value(parseBandwidthBytesPerS(' 10 KB / ms '))).toBe(10e6);
  });

  it('reads a plain number as bytes per second', () => {
    expect(value(parseBandwidthBytesPerS(1e9))).toBe(1e9);
  });

  it.each(['', '100MB', '100/s', '100 MBps', '100Mbps', '100mb/s', '100MB/sec', 'MB/s', '100MB/s/s'])('rejects %j with a message', (bad) =>
    expectRejected(parseBandwidthBytesPerS(bad), bad),
  );

  it('rejects non-finite numbers and other types with a message', () => {
    for (const bad of [...NON_FINITE, ...NOT_STRINGS_OR_NUMBERS]) expectRejected(parseBandwidthBytesPerS(bad), bad);
  });
});

describe('formatting', () => {
  it('usToMs divides by 1000', () => {
    expect(usToMs(1_500)).toBe(1.5);
    expect(usToMs(0)).toBe(0);
  });

  it('formatDurationUs picks the largest unit that keeps the value ≥ 1', () => {
    expect(formatDurationUs(0)).toBe('0us');
    expect(formatDurationUs(250)).toBe('250us');
    expect(formatDurationUs(1_500)).toBe('1.5ms');
    expect(formatDurationUs(43_000_000)).toBe('43s');
    expect(formatDurationUs(90_000_000)).toBe('1.5m');
    expect(formatDurationUs(7_200_000_000)).toBe('2h');
    expect(formatDurationUs(-1_500)).toBe('-1.5ms');
    expect(formatDurationUs(1_234_567)).toBe('1.23s');
  });

  it('property: what formatDurationUs prints parses back to within its rounding', () => {
    fc.assert(fc.property(fc.integer({ min: -1e13, max: 1e13 }), (us) => {
      const back = value(parseDurationUs(formatDurationUs(us)));
      // Two decimals in a unit ≥ 1 is within 0.5%; whole microseconds within 0.5us.
      expect(Math.abs(back - us)).toBeLessThanOrEqual(Math.max(0.5, 0.005 * Math.abs(us)));
    }));
  });
});
