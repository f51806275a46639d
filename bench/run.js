#!/usr/bin/env node
// `npm run bench`: each case in a fresh process, median of several runs.
//   model  — one simulated hour of bench/three-region-hour.yaml as each of its
//            variants (single-primary, active-active, region-pinned, consensus, leaderless, and
//            write-only: the single primary with every operation a write): events/s,
//            simulated writes per wall second, peak memory (RSS, from /usr/bin/time when present)
//   engine — M/M/1 on repsim's scheduler vs a bare-heap loop vs SimPy 3
//   sweep  — 16 runs with --workers 1 and --workers 2 (bench/sweep.ts)
//   day    — not run by default (about 6 minutes): 24 simulated hours of the
//            single-primary variant, to show memory stays bounded
// Usage: node bench/run.js [--runs N] [--case model|engine|sweep|day]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';

const args = process.argv.slice(2);
let runs = Number(args[args.indexOf('--runs') + 1] ?? 3) || 3;
const only = args.includes('--case') ? args[args.indexOf('--case') + 1] : undefined;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function measure(cmd, argv) {
  const full = timeBin ? [timeBin, ['-f', '%e %M', cmd, ...argv]] : [cmd, argv];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full[1], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed:\n${r.stderr}`);
  let rssMb = NaN;
  if (timeBin) {
    const last = r.stderr.trim().split('\n').pop() ?? '';
    const [, kb] = last.split(' ');
    rssMb = Number(kb) / 1024;
  }
  return { wallS, rssMb, stdout: r.stdout };
}

console.log(`machine: ${cpus().length} cores, node ${process.version}; median of ${runs} runs each`);

function modelCase(variant, sets, label) {
  const rows = [];
  for (let i = 0; i < runs; i++) {
    const m = measure('node', ['bin/repsim.js', 'run', 'bench/three-region-hour.yaml', '--variant', variant, ...sets.flatMap((x) => ['--set', x]), '--json']);
    const s = JSON.parse(m.stdout);
    rows.push({ wallS: m.wallS, rssMb: m.rssMb, events: s.events, writes: s.metrics.writes.total, ops: s.metrics.writes.total + s.metrics.reads.total });
  }
  const wall = median(rows.map((r) => r.wallS));
  const r0 = rows[0];
  console.log(JSON.stringify({
    case: label, wallS: +wall.toFixed(2), events: r0.events,
    eventsPerS: Math.round(r0.events / wall), opsPerWallS: Math.round(r0.ops / wall),
    simulatedWritesPerWallS: Math.round(r0.writes / wall), peakRssMb: +median(rows.map((r) => r.rssMb)).toFixed(0),
  }));
}

if (!only || only === 'model') {
  for (const variant of ['single-primary', 'active-active', 'region-pinned', 'consensus', 'leaderless', 'write-only']) modelCase(variant, [], `model-${variant}-1h`);
}

if (only === 'day') {
  // One run: it takes minutes; memory, not speed, is the figure.
  const saved = runs;
  runs = 1;
  modelCase('single-primary', ['duration=24h'], 'model-single-primary-24h');
  runs = saved;
}

if (!only || only === 'engine') {
  const cases = { repsim: [], bare: [] };
  for (let i = 0; i < runs; i++) {
    for (const c of Object.keys(cases)) {
      const m = measure('node', ['--import', 'tsx', 'bench/engine.ts', '--case', c]);
      cases[c].push(JSON.parse(m.stdout.trim().split('\n').pop()));
    }
  }
  const simpy = [];
  if (existsSync('/usr/bin/python3') && spawnSync('/usr/bin/python3', ['-c', 'import simpy']).status === 0) {
    for (let i = 0; i < runs; i++) simpy.push(JSON.parse(measure('/usr/bin/python3', ['bench/mm1_simpy.py']).stdout.trim().split('\n').pop()));
  }
  const cps = (xs) => median(xs.map((x) => x.customersPerS));
  const out = { case: 'engine-mm1-1M', repsimCustomersPerS: Math.round(cps(cases.repsim)), bareHeapCustomersPerS: Math.round(cps(cases.bare)) };
  out.bareOverRepsim = +(out.bareHeapCustomersPerS / out.repsimCustomersPerS).toFixed(2);
  if (simpy.length) {
    out.simpyCustomersPerS = Math.round(cps(simpy));
    out.repsimOverSimpy = +(out.repsimCustomersPerS / out.simpyCustomersPerS).toFixed(1);
  } else out.simpy = 'not installed (apt-get install python3-simpy3)';
  console.log(JSON.stringify(out));
}

if (!only || only === 'sweep') {
  const rows = [];
  for (let i = 0; i < runs; i++) rows.push(JSON.parse(measure('node', ['--import', 'tsx', 'bench/sweep.ts']).stdout.trim().split('\n').pop()));
  const med = (k) => median(rows.map((r) => r[k]));
  console.log(JSON.stringify({
    case: 'sweep-16-runs', workers1S: med('workers1S'), workers2S: med('workers2S'), speedup: med('speedup'),
    speedups: rows.map((r) => r.speedup), identical: rows.every((r) => r.identical),
  }));
}
