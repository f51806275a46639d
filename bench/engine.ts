// Engine benchmark: an M/M/1 queue (λ = 0.8, μ = 1) run on repsim's Scheduler
// and on a bare inline binary heap (the physical limit of a (time, seq) event
// loop), with the same RNG streams and the same model logic.
//
// One model time unit = 1,000,000 µs, so integer-µs rounding is negligible.
// Each case prints one JSON line; `bench/mm1_simpy.py` prints the same figures
// for SimPy, so a runner can compute ratios. The mean time in system must be
// ≈ 1/(μ−λ) = 5; `stderr` is a batch-means standard error (100 batches), and
// `ok` says the mean is within 4 standard errors. Both cases draw from the same
// streams, so their means agree exactly. `rng-floor` times the draws alone.
//
// Usage: npx tsx bench/engine.ts [--customers 1000000] [--seed 1] [--case all|repsim|bare|rng]
// Owns nothing the simulator uses; it reads the real clock, which is fine here.
import { Scheduler } from '../sim/core/scheduler.ts';
import { RngRoot, type Rng } from '../sim/core/rng.ts';
import { compileDist, type Sampler } from '../sim/core/distributions.ts';

const LAMBDA = 0.8;
const MU = 1;
const UNIT_US = 1_000_000;
const BATCHES = 100;

interface Args {
  customers: number;
  seed: number;
  cases: string[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { customers: 1_000_000, seed: 1, cases: ['repsim', 'bare', 'rng'] };
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i];
    const v = argv[i + 1] ?? '';
    if (k === '--customers') args.customers = Number(v);
    else if (k === '--seed') args.seed = Number(v);
    else if (k === '--case') args.cases = v === 'all' ? ['repsim', 'bare', 'rng'] : [v];
    else throw new Error(`unknown argument ${k}; usage: bench/engine.ts [--customers N] [--seed S] [--case all|repsim|bare|rng]`);
  }
  if (!(Number.isInteger(args.customers) && args.customers >= BATCHES)) throw new Error(`--customers must be an integer ≥ ${BATCHES}`);
  return args;
}

/** FIFO of arrival times (µs), a growable ring buffer. */
class ArrivalQueue {
  private buf = new Float64Array(1024);
  private head = 0;
  length = 0;
  push(tUs: number): void {
    if (this.length === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      for (let i = 0; i < this.length; i++) next[i] = this.buf[(this.head + i) & (this.buf.length - 1)] as number;
      this.buf = next;
      this.head = 0;
    }
    this.buf[(this.head + this.length) & (this.buf.length - 1)] = tUs;
    this.length++;
  }
  shift(): number {
    const t = this.buf[this.head] as number;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.length--;
    return t;
  }
}

/** Sojourn-time statistics: overall mean and batch-means standard error. */
class Sojourns {
  private readonly batchSize: number;
  private readonly batchSums = new Float64Array(BATCHES);
  count = 0;
  private sum = 0;
  constructor(readonly customers: number) {
    this.batchSize = Math.floor(customers / BATCHES);
  }
  add(us: number): void {
    const b = Math.min(BATCHES - 1, Math.floor(this.count / this.batchSize));
    this.batchSums[b] = (this.batchSums[b] as number) + us;
    this.sum += us;
    this.count++;
  }
  result(): { mean: number; stderr: number } {
    const mean = this.sum / this.count / UNIT_US;
    const means: number[] = [];
    for (let b = 0; b < BATCHES; b++) {
      const n = b === BATCHES - 1 ? this.count - this.batchSize * (BATCHES - 1) : this.batchSize;
      means.push((this.batchSums[b] as number) / n / UNIT_US);
    }
    const m = means.reduce((a, x) => a + x, 0) / BATCHES;
    const v = means.reduce((a, x) => a + (x - m) ** 2, 0) / (BATCHES - 1);
    return { mean, stderr: Math.sqrt(v / BATCHES) };
  }
}

interface Streams {
  arrivals: Rng;
  service: Rng;
  interArrival: Sampler;
  serviceTime: Sampler;
}

function streams(seed: number): Streams {
  const root = new RngRoot(seed);
  return {
    arrivals: root.stream('arrivals'),
    service: root.stream('service'),
    interArrival: compileDist({ dist: 'exponential', mean: UNIT_US / LAMBDA }),
    serviceTime: compileDist({ dist: 'exponential', mean: UNIT_US / MU }),
  };
}

interface CaseResult {
  events: number;
  stats: Sojourns;
}

/** M/M/1 on repsim's Scheduler: pre-bound handlers, no per-event closures. */
function runRepsim(customers: number, seed: number): CaseResult {
  const s = streams(seed);
  const sched = new Scheduler();
  const queue = new ArrivalQueue();
  const stats = new Sojourns(customers);
  let arrived = 0;
  let busy = false;
  const depart = (): void => {
    stats.add(sched.now - queue.shift());
    if (queue.length > 0) sched.after(s.serviceTime(s.service), depart, undefined);
    else busy = false;
  };
  const arrive = (): void => {
    queue.push(sched.now);
    arrived++;
    if (arrived < customers) sched.after(s.interArrival(s.arrivals), arrive, undefined);
    if (!busy) {
      busy = true;
      sched.after(s.serviceTime(s.service), depart, undefined);
    }
  };
  sched.after(s.interArrival(s.arrivals), arrive, undefined);
  sched.run();
  return { events: sched.executed, stats };
}

/** The same model on a bare binary heap of (time, seq, kind) in typed arrays. */
function runBare(customers: number, seed: number): CaseResult {
  const s = streams(seed);
  const queue = new ArrivalQueue();
  const stats = new Sojourns(customers);
  let cap = 64;
  let hTime = new Float64Array(cap);
  let hSeq = new Float64Array(cap);
  let hKind = new Uint8Array(cap);
  let size = 0;
  let seq = 0;
  let now = 0;
  const ARRIVE = 0;
  const DEPART = 1;
  const push = (delayUs: number, kind: number): void => {
    const t = Math.round(now + delayUs);
    const q = seq++;
    if (size === cap) {
      cap *= 2;
      const t2 = new Float64Array(cap); t2.set(hTime); hTime = t2;
      const s2 = new Float64Array(cap); s2.set(hSeq); hSeq = s2;
      const k2 = new Uint8Array(cap); k2.set(hKind); hKind = k2;
    }
    let i = size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const tp = hTime[p] as number;
      if (tp < t || (tp === t && (hSeq[p] as number) < q)) break;
      hTime[i] = tp; hSeq[i] = hSeq[p] as number; hKind[i] = hKind[p] as number;
      i = p;
    }
    hTime[i] = t; hSeq[i] = q; hKind[i] = kind;
  };
  let arrived = 0;
  let busy = false;
  let events = 0;
  push(s.interArrival(s.arrivals), ARRIVE);
  while (size > 0) {
    now = hTime[0] as number;
    const kind = hKind[0] as number;
    // Pop: move the last entry down from the root.
    const n = --size;
    const lt = hTime[n] as number;
    const lq = hSeq[n] as number;
    const lk = hKind[n] as number;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && ((hTime[r] as number) < (hTime[c] as number) || ((hTime[r] as number) === (hTime[c] as number) && (hSeq[r] as number) < (hSeq[c] as number)))) c = r;
      const ct = hTime[c] as number;
      if (lt < ct || (lt === ct && lq < (hSeq[c] as number))) break;
      hTime[i] = ct; hSeq[i] = hSeq[c] as number; hKind[i] = hKind[c] as number;
      i = c;
    }
    hTime[i] = lt; hSeq[i] = lq; hKind[i] = lk;
    events++;
    if (kind === ARRIVE) {
      queue.push(now);
      arrived++;
      if (arrived < customers) push(s.interArrival(s.arrivals), ARRIVE);
      if (!busy) {
        busy = true;
        push(s.serviceTime(s.service), DEPART);
      }
    } else {
      stats.add(now - queue.shift());
      if (queue.length > 0) push(s.serviceTime(s.service), DEPART);
      else busy = false;
    }
  }
  return { events, stats };
}

/**
 * Not a simulation: only the 2 × customers exponential draws the model makes,
 * summed. The cost every case pays before any event loop.
 */
function runRngFloor(customers: number, seed: number): number {
  const s = streams(seed);
  let sum = 0;
  for (let i = 0; i < customers; i++) sum += Math.round(s.interArrival(s.arrivals)) + Math.round(s.serviceTime(s.service));
  return sum;
}

const CASES: Record<string, { name: string; run: (customers: number, seed: number) => CaseResult }> = {
  repsim: { name: 'repsim-scheduler', run: runRepsim },
  bare: { name: 'bare-heap', run: runBare },
};

function timeRngFloor(args: Args): void {
  runRngFloor(Math.min(args.customers, 50_000), args.seed + 1);
  const t0 = process.hrtime.bigint();
  const sum = runRngFloor(args.customers, args.seed);
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ case: 'rng-floor', customers: args.customers, draws: 2 * args.customers, wallS: +wallS.toFixed(4), checksum: sum }));
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  for (const key of args.cases) {
    if (key === 'rng') {
      timeRngFloor(args);
      continue;
    }
    const c = CASES[key];
    if (!c) throw new Error(`unknown case "${key}" (repsim, bare, rng, all)`);
    c.run(Math.min(args.customers, 50_000), args.seed + 1); // JIT warm-up
    const t0 = process.hrtime.bigint();
    const r = c.run(args.customers, args.seed);
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    const { mean, stderr } = r.stats.result();
    const expected = 1 / (MU - LAMBDA);
    if (r.stats.count !== args.customers) throw new Error(`invariant: ${r.stats.count} of ${args.customers} customers departed`);
    console.log(JSON.stringify({
      case: c.name,
      customers: args.customers,
      events: r.events,
      wallS: +wallS.toFixed(4),
      customersPerS: Math.round(args.customers / wallS),
      eventsPerS: Math.round(r.events / wallS),
      meanTimeInSystem: +mean.toFixed(4),
      stderr: +stderr.toFixed(4),
      expected: +expected.toFixed(6),
      ok: Math.abs(mean - expected) < 4 * stderr,
    }));
  }
}

main();
