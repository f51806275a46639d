// A TraceWriter (and HistoryWriter) that keeps no trace: it feeds every
// trace event and every history record, interleaved as the model emits them
// (the model traces only rare events such as failovers; the history makes
// the stream dense enough to locate a divergence), into a running
// sha256, records a checkpoint digest every CHECKPOINT_EVERY events (to find
// where two runs diverge without storing them), keeps the first FIRST_KEPT
// events, and can capture a window of events by index (for the report).
import { createHash, type Hash } from 'node:crypto';
import type { HistoryRecord, HistoryWriter, TraceEvent, TraceWriter } from '../measure/history.ts';

/** Events between checkpoint digests. */
export const CHECKPOINT_EVERY = 1024;
/** Events kept from the start of the run. */
export const FIRST_KEPT = 64;

export interface TraceDigest {
  /** sha256 (hex) of every event's JSON line, in order. */
  hash: string;
  count: number;
  /** Digest prefix after events [0, (i+1)·CHECKPOINT_EVERY). */
  checkpoints: string[];
  /** The first FIRST_KEPT events, as JSON lines. */
  first: string[];
  /** The captured window (index → JSON line). */
  captured: Array<{ index: number; line: string }>;
}

export class HashingTrace implements TraceWriter, HistoryWriter {
  private readonly hash: Hash = createHash('sha256');
  private count = 0;
  private readonly checkpoints: string[] = [];
  private readonly first: string[] = [];
  private readonly captured: Array<{ index: number; line: string }> = [];

  /** `capture`: also keep events with index in [from, from + count). `perturbAt`: tests only — alters that event. */
  constructor(private readonly opts: { capture?: { from: number; count: number } | undefined; perturbAt?: number | undefined } = {}) {}

  write(e: TraceEvent | HistoryRecord): void {
    const i = this.count++;
    const line = i === this.opts.perturbAt ? JSON.stringify({ ...e, perturbed: true }) : JSON.stringify(e);
    this.hash.update(line);
    this.hash.update('\n');
    if (i < FIRST_KEPT) this.first.push(line);
    const c = this.opts.capture;
    if (c && i >= c.from && i < c.from + c.count) this.captured.push({ index: i, line });
    if (this.count % CHECKPOINT_EVERY === 0) this.checkpoints.push(this.hash.copy().digest('hex').slice(0, 16));
  }

  digest(): TraceDigest {
    return { hash: this.hash.copy().digest('hex'), count: this.count, checkpoints: [...this.checkpoints], first: [...this.first], captured: [...this.captured] };
  }
}

/** The first checkpoint window in which two digests differ: its first event index (0 if the first window). */
export function firstDivergentWindow(a: TraceDigest, b: TraceDigest): number {
  const n = Math.min(a.checkpoints.length, b.checkpoints.length);
  for (let i = 0; i < n; i++) if (a.checkpoints[i] !== b.checkpoints[i]) return i * CHECKPOINT_EVERY;
  return n * CHECKPOINT_EVERY;
}

/** The first index at which two captured windows differ (or one ends), with both events. */
export function firstDivergentEvent(a: TraceDigest, b: TraceDigest): { index: number; a: string; b: string } | undefined {
  const n = Math.max(a.captured.length, b.captured.length);
  for (let i = 0; i < n; i++) {
    const x = a.captured[i];
    const y = b.captured[i];
    if (x?.line !== y?.line) return { index: x?.index ?? y?.index ?? -1, a: x?.line ?? '(no event: the trace ended)', b: y?.line ?? '(no event: the trace ended)' };
  }
  return undefined;
}
