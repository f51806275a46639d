// Regression cases for the consensus livelock (issue 28): runs of the two
// bundled consensus scenarios with a short fault spun at one simulated
// instant until the progress guard stopped them (before it, forever). The
// leader's wake-up for its own disk write was scheduled at the write's
// completion time rounded to the nearest µs; a write done at x.4 µs was
// woken at x, before it completed, so the wake found the commit still held
// back by that write and re-armed at x again.
//
// Each case is the reported command, run as its own process with a time
// limit: a spinning run is synchronous and no in-process timeout could stop
// it, so a regression fails here instead of hanging the suite.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const SURVIVAL = 'scenarios/consensus-survival-region-outage.yaml';
const PARTITION = 'scenarios/consensus-vs-async-partition.yaml';
/** A run of these takes about a second; the limit leaves room for a loaded machine. */
const LIMIT_MS = 20_000;

interface Case {
  file: string;
  variant: string;
  fault: string;
  /** 12 s reproduced every fault but the pause, which spun at 14.5 s. */
  duration: string;
}

const crash = '{at: 5s, crash: {region: us-east-1}, for: 3s}';
const outage = '{at: 5s, outage: {region: us-east-1}, for: 3s}';
const pause = '{at: 5s, pause: {region: us-east-1}, for: 3s}';
const slow10 = '{at: 5s, slowApply: {region: us-east-1, factor: 10}, for: 2s}';
const slow1000 = '{at: 5s, slowApply: {region: us-east-1, factor: 1000}, for: 2s}';

const cases: Case[] = [
  ...['zone-survival', 'by-row-zone'].flatMap((variant) => [
    { file: SURVIVAL, variant, fault: crash, duration: '12s' },
    { file: SURVIVAL, variant, fault: outage, duration: '12s' },
    { file: SURVIVAL, variant, fault: pause, duration: '15s' },
    { file: SURVIVAL, variant, fault: slow10, duration: '12s' },
  ]),
  ...['zone-survival', 'region-survival', 'by-row-zone', 'by-row-region'].map((variant) => ({ file: SURVIVAL, variant, fault: slow1000, duration: '12s' })),
  ...['consensus-3-voters', 'consensus-5-voters-region-survival'].map((variant) => ({ file: PARTITION, variant, fault: slow1000, duration: '12s' })),
];

describe('consensus: a short fault does not livelock the leader\'s disk wake-up', () => {
  for (const c of cases) {
    it(`${c.file} --variant ${c.variant}, duration ${c.duration}, fault ${c.fault}`, () => {
      const args = ['bin/repsim.js', 'run', c.file, '--variant', c.variant, '--set', `duration=${c.duration}`, '--set', 'warmup=1s', '--set', `faults=[${c.fault}]`, '--json'];
      const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: LIMIT_MS, killSignal: 'SIGKILL' });
      expect(r.signal, `killed after ${LIMIT_MS} ms: repsim ${args.slice(1).join(' ')}`).toBeNull();
      expect(r.status, r.stderr).toBe(0);
      const s = JSON.parse(r.stdout) as { events: number; invariantViolations: unknown[] };
      expect(s.invariantViolations).toEqual([]);
      // The spin ran millions of events; the whole run is some tens of thousands.
      expect(s.events).toBeLessThan(1_000_000);
    }, LIMIT_MS + 10_000);
  }
});
