// Cross-check: repsim and an independent SimPy implementation of the same
// single-primary scenario (bench/peers/single_primary_simpy.py) must agree.
//
// A short version of the benchmark scenario (bench/three-region-hour.yaml:
// 30 simulated seconds, ap-southeast-1 isolated from 10 s to 20 s) runs under
// seeds 1..10 in each. For mean replication lag, stale-read fraction and p99
// staleness, the 95% intervals over the seeds (mean ± t(0.975, 9) · s / √10)
// must overlap. The two share no code and no random draws, so agreement is
// evidence for both: every metric here is driven by the RTTs, the shipping
// interval, the apply queue, read-your-writes routing and the partition's
// backlog, which each implementation models on its own.
// REPSIM_CROSSCHECK_VERBOSE=1 prints both intervals of each metric.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const PYTHON = '/usr/bin/python3';
const hasSimpy = spawnSync(PYTHON, ['-c', 'import simpy'], { stdio: 'ignore' }).status === 0;
const SEEDS = Array.from({ length: 10 }, (_, i) => i + 1);
const DURATION_S = 30;
const PARTITION_AT_S = 10;
const PARTITION_FOR_S = 10;
/** Student's t, 97.5% quantile, 9 degrees of freedom. */
const T_975_9 = 2.262;

interface Headline {
  lagMeanMs: number;
  staleFraction: number;
  stalenessP99Ms: number;
}

function collect(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: root });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${err}`))));
  });
}

interface RunSummary {
  metrics: {
    reads: { total: number; stale: number; failed: number; stalenessMs: { p99: number } };
    replication: { lagMs: { mean: number } };
  };
}

async function repsimRun(seed: number): Promise<Headline> {
  const out = await collect(process.execPath, [
    'bin/repsim.js', 'run', 'bench/three-region-hour.yaml', '--variant', 'single-primary', '--seed', String(seed),
    '--set', `duration=${DURATION_S}s`,
    '--set', `faults=[{at: ${PARTITION_AT_S}s, partition: {isolate: ap-southeast-1}, for: ${PARTITION_FOR_S}s}]`,
    '--json',
  ]);
  const m = (JSON.parse(out) as RunSummary).metrics;
  return {
    lagMeanMs: m.replication.lagMs.mean,
    staleFraction: m.reads.stale / (m.reads.total - m.reads.failed),
    stalenessP99Ms: m.reads.stalenessMs.p99,
  };
}

async function peerRuns(): Promise<Headline[]> {
  const out = await collect(PYTHON, [
    'bench/peers/single_primary_simpy.py', '--seeds', `${SEEDS[0]}-${SEEDS[SEEDS.length - 1]}`,
    '--duration', String(DURATION_S), '--partition-at', String(PARTITION_AT_S), '--partition-for', String(PARTITION_FOR_S),
  ]);
  return out.trim().split('\n').map((l) => JSON.parse(l) as Headline);
}

function interval(xs: number[]): { mean: number; lo: number; hi: number } {
  const n = xs.length;
  const mean = xs.reduce((a, x) => a + x, 0) / n;
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  const half = (T_975_9 * sd) / Math.sqrt(n);
  return { mean, lo: mean - half, hi: mean + half };
}

describe.skipIf(!hasSimpy)(`repsim vs the SimPy peer on the benchmark scenario${hasSimpy ? '' : ` (skipped: ${PYTHON} lacks simpy; apt-get install python3-simpy3)`}`, () => {
  it('agree on mean lag, stale-read fraction and p99 staleness within their 95% intervals over 10 seeds', async () => {
    // The peer runs in its own process while repsim's runs go one after another.
    const peer = peerRuns();
    const ours: Headline[] = [];
    for (const seed of SEEDS) ours.push(await repsimRun(seed));
    const theirs = await peer;
    expect(theirs).toHaveLength(SEEDS.length);
    const report: string[] = [];
    const disagree: string[] = [];
    for (const k of ['lagMeanMs', 'staleFraction', 'stalenessP99Ms'] as const) {
      const a = interval(ours.map((h) => h[k]));
      const b = interval(theirs.map((h) => h[k]));
      const line = `${k}: repsim ${a.mean.toPrecision(5)} [${a.lo.toPrecision(5)}, ${a.hi.toPrecision(5)}], SimPy ${b.mean.toPrecision(5)} [${b.lo.toPrecision(5)}, ${b.hi.toPrecision(5)}]`;
      report.push(line);
      if (a.hi < b.lo || b.hi < a.lo) disagree.push(line);
    }
    if (process.env.REPSIM_CROSSCHECK_VERBOSE) console.log(report.join('\n'));
    expect(disagree, report.join('\n')).toEqual([]);
    // The comparison is not vacuous: the partition's backlog dominates both tails.
    for (const h of [...ours, ...theirs]) {
      expect(h.stalenessP99Ms).toBeGreaterThan(0.5 * PARTITION_FOR_S * 1000);
      expect(h.staleFraction).toBeGreaterThan(0);
    }
  }, 300_000);
});
