// Units: parsing of the scenario's durations, rates, sizes and bandwidths.
// Owns the conversion to the model's internal units: time in integer
// microseconds, sizes in bytes, rates per second. Knows nothing of scenarios.

/** Microseconds per unit of duration. */
const DURATION_UNITS_US: Record<string, number> = {
  us: 1, µs: 1, ms: 1_000, s: 1_000_000, m: 60_000_000, min: 60_000_000, h: 3_600_000_000, d: 86_400_000_000,
};

/** Bytes per size unit. Decimal (KB = 1000 B) and binary (KiB = 1024 B) both accepted. */
const SIZE_UNITS_B: Record<string, number> = {
  B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4,
};

/** Seconds per rate denominator. */
const RATE_UNITS_S: Record<string, number> = { us: 1e-6, ms: 1e-3, s: 1, m: 60, min: 60, h: 3600 };

const NUMBER = String.raw`([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)`;
const DURATION_RE = new RegExp(`^${NUMBER}\\s*(us|µs|ms|s|m|min|h|d)$`);
const SIZE_RE = new RegExp(`^${NUMBER}\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$`);
const RATE_RE = new RegExp(`^${NUMBER}\\s*/\\s*(us|ms|s|m|min|h)$`);
const BANDWIDTH_RE = new RegExp(`^${NUMBER}\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\\s*/\\s*(us|ms|s|m|min|h)$`);

export type ParseResult = { ok: true; value: number } | { ok: false; message: string };

/** A duration string (`250us`, `70ms`, `43s`, `10m`, `1h`) or a number of milliseconds → microseconds (not rounded). */
export function parseDurationUs(input: unknown): ParseResult {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { ok: false, message: 'duration must be a finite number of milliseconds' };
    return { ok: true, value: input * 1_000 };
  }
  if (typeof input !== 'string') return { ok: false, message: 'expected a duration such as "250us", "70ms", "43s", "10m", "1h" or a number of milliseconds' };
  const m = DURATION_RE.exec(input.trim());
  if (!m) return { ok: false, message: `"${input}" is not a duration (use a unit: us, ms, s, m, h; e.g. "70ms")` };
  return { ok: true, value: Number(m[1]) * (DURATION_UNITS_US[m[2] ?? ''] ?? NaN) };
}

/** A size (`512B`, `64KB`, `100MB`) or a plain number of bytes → bytes. */
export function parseSizeBytes(input: unknown): ParseResult {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { ok: false, message: 'size must be a finite number of bytes' };
    return { ok: true, value: input };
  }
  if (typeof input !== 'string') return { ok: false, message: 'expected a size such as "512B", "64KB", "100MB"' };
  const m = SIZE_RE.exec(input.trim());
  if (!m) return { ok: false, message: `"${input}" is not a size (use B, KB, MB, GB, KiB, MiB, GiB; e.g. "64KB")` };
  return { ok: true, value: Number(m[1]) * (SIZE_UNITS_B[m[2] ?? ''] ?? NaN) };
}

/** A rate (`500/s`, `3/ms`) or a plain number per second → events per second. */
export function parseRatePerS(input: unknown): ParseResult {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { ok: false, message: 'rate must be a finite number per second' };
    return { ok: true, value: input };
  }
  if (typeof input !== 'string') return { ok: false, message: 'expected a rate such as "500/s"' };
  const m = RATE_RE.exec(input.trim());
  if (!m) return { ok: false, message: `"${input}" is not a rate (e.g. "500/s", "30/m")` };
  return { ok: true, value: Number(m[1]) / (RATE_UNITS_S[m[2] ?? ''] ?? NaN) };
}

/** A bandwidth (`100MB/s`, `1GiB/s`) or a plain number of bytes per second → bytes per second. */
export function parseBandwidthBytesPerS(input: unknown): ParseResult {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { ok: false, message: 'bandwidth must be a finite number of bytes per second' };
    return { ok: true, value: input };
  }
  if (typeof input !== 'string') return { ok: false, message: 'expected a bandwidth such as "100MB/s"' };
  const m = BANDWIDTH_RE.exec(input.trim());
  if (!m) return { ok: false, message: `"${input}" is not a bandwidth (e.g. "100MB/s", "1GiB/s")` };
  return { ok: true, value: (Number(m[1]) * (SIZE_UNITS_B[m[2] ?? ''] ?? NaN)) / (RATE_UNITS_S[m[3] ?? ''] ?? NaN) };
}

/** Microseconds → milliseconds, for reporting. */
export function usToMs(us: number): number {
  return us / 1_000;
}

/** Formats microseconds as a short human duration (for tables and messages). */
export function formatDurationUs(us: number): string {
  const abs = Math.abs(us);
  if (abs >= 3_600_000_000) return `${+(us / 3_600_000_000).toFixed(2)}h`;
  if (abs >= 60_000_000) return `${+(us / 60_000_000).toFixed(2)}m`;
  if (abs >= 1_000_000) return `${+(us / 1_000_000).toFixed(2)}s`;
  if (abs >= 1_000) return `${+(us / 1_000).toFixed(2)}ms`;
  return `${+us.toFixed(0)}us`;
}
