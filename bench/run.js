#!/usr/bin/env node
// `npm run bench`: each case in a fresh process, median of several runs.
//   model   — one simulated hour of bench/three-region-hour.yaml as each of its
//             variants (single-primary, active-active, region-pinned, consensus,
//             leaderless, and
//             write-only: the single primary with every operation a write): events/s,
//             simulated writes per wall second, peak memory (RSS, from /usr/bin/time when present)
//   peer    — the same single-primary hour written in SimPy 3
//             (bench/peers/single_primary_simpy.py): simulated writes per wall second
//   limit   — a bare binary-heap loop (bench/engine.ts --case bare) dispatching as
//             many events as repsim's single-primary hour
//   compare — `repsim compare` on the example scenario (scenarios/primary-region-partition.yaml:
//             4 variants × 10 seeds × 10 simulated minutes), --workers 2
//   engine  — M/M/1 on repsim's scheduler vs a bare-heap loop vs SimPy 3
//   sweep   — 16 runs with --workers 1 and --workers 2 (bench/sweep.ts)
//   play    — the playground in headless Chromium: a 10-minute run and compare (4 × 3) in the page
//             against the CLI (bench/playground.ts)
//   day     — not run by default (about 20 minutes): 24 simulated hours of the
//             single-primary and active-active variants, for peak memory
// Then one `goals` line: each performance goal's measured ratio and whether it is met.
// Wall times are whole-process times (start-up included) for every engine alike.
// Usage: node bench/run.js [--runs N] [--case model|peer|limit|compare|engine|sweep|play|day]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';

const args = process.argv.slice(2);
let runs = Number(args[args.indexOf('--runs') + 1] ?? 3) || 3;
const only = args.includes('--case') ? args[args.indexOf('--case') + 1] : undefined;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function measure(cmd, argv) {
  const full = timeBin ? [timeBin, ['-f', '%e %M %U %S', cmd, ...argv]] : [cmd, argv];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full[1], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed:\n${r.stderr}`);
  let rssMb = NaN;
  let cpuS = NaN;
  if (timeBin) {
    const last = r.stderr.trim().split('\n').pop() ?? '';
    const [, kb, user, sys] = last.split(' ');
    rssMb = Number(kb) / 1024;
    cpuS = Number(user) + Number(sys);
  }
  return { wallS, rssMb, cpuS, stdout: r.stdout };
}

console.log(`machine: ${cpus().length} cores, node ${process.version}; median of ${runs} runs each`);

function modelCase(variant, sets, label) {
  const rows = [];
  for (let i = 0; i < runs; i++) {
    const m = measure('node', ['bin/repsim.js', 'run', 'bench/three-region-hour.yaml', '--variant', variant, ...sets.flatMap((x) => ['--set', x]), '--json']);
    const s = JSON.parse(m.stdout);
    rows.push({ wallS: m.wallS, cpuS: m.cpuS, rssMb: m.rssMb, events: s.events, writes: s.metrics.writes.total, ops: s.metrics.writes.total + s.metrics.reads.total });
  }
  const wall = median(rows.map((r) => r.wallS));
  const cpu = median(rows.map((r) => r.cpuS));
  const r0 = rows[0];
  const out = {
    case: label, wallS: +wall.toFixed(2), cpuS: +cpu.toFixed(2), events: r0.events,
    eventsPerS: Math.round(r0.events / wall), opsPerWallS: Math.round(r0.ops / wall),
    simulatedWritesPerWallS: Math.round(r0.writes / wall), simulatedWritesPerCpuS: Math.round(r0.writes / cpu),
    peakRssMb: +median(rows.map((r) => r.rssMb)).toFixed(0),
  };
  console.log(JSON.stringify(out));
  results[label] = out;
  return out;
}

/** Every case's printed figures by label, for the goals line. */
const results = {};
const hasSimpy = existsSync('/usr/bin/python3') && spawnSync('/usr/bin/python3', ['-c', 'import simpy']).status === 0;
/** The single-primary hour, measured once whichever cases need it. */
const singlePrimaryHour = () => results['model-single-primary-1h'] ?? modelCase('single-primary', [], 'model-single-primary-1h');
/** Runs a command `runs` times; its last stdout line is JSON. Medians of process wall and CPU time. */
function repeated(cmd, argv) {
  const rows = [];
  for (let i = 0; i < runs; i++) {
    const m = measure(cmd, argv);
    // One JSON line last (the engines), or one pretty-printed document (`compare --json`).
    const text = m.stdout.trim();
    const json = JSON.parse(text.startsWith('{\n') ? text : text.split('\n').pop());
    rows.push({ json, wallS: m.wallS, cpuS: m.cpuS, rssMb: m.rssMb });
  }
  return {
    first: rows[0].json, wallS: median(rows.map((r) => r.wallS)), cpuS: median(rows.map((r) => r.cpuS)),
    rssMb: median(rows.map((r) => r.rssMb)), walls: rows.map((r) => +r.wallS.toFixed(2)),
  };
}

if (!only || only === 'model') {
  for (const variant of ['single-primary', 'active-active', 'region-pinned', 'consensus', 'leaderless', 'write-only']) modelCase(variant, [], `model-${variant}-1h`);
}

if (!only || only === 'peer') {
  const ours = singlePrimaryHour();
  if (hasSimpy) {
    const r = repeated('/usr/bin/python3', ['bench/peers/single_primary_simpy.py']);
    const writes = r.first.writes;
    const out = {
      case: 'peer-simpy-single-primary-1h', wallS: +r.wallS.toFixed(2), cpuS: +r.cpuS.toFixed(2), writes, simpyEvents: r.first.events,
      simulatedWritesPerWallS: Math.round(writes / r.wallS), simulatedWritesPerCpuS: Math.round(writes / r.cpuS),
      peakRssMb: +r.rssMb.toFixed(0), repsimSimulatedWritesPerWallS: ours.simulatedWritesPerWallS,
    };
    out.repsimOverSimpy = +(ours.simulatedWritesPerWallS / out.simulatedWritesPerWallS).toFixed(2);
    out.repsimOverSimpyCpu = +(ours.simulatedWritesPerCpuS / out.simulatedWritesPerCpuS).toFixed(2);
    console.log(JSON.stringify(out));
    results.peer = out;
  } else console.log(JSON.stringify({ case: 'peer-simpy-single-primary-1h', simpy: 'not installed (apt-get install python3-simpy3)' }));
}

if (!only || only === 'limit') {
  // M/M/1 dispatches exactly two events a customer.
  const ours = singlePrimaryHour();
  const r = repeated('node', ['--import', 'tsx', 'bench/engine.ts', '--case', 'bare', '--customers', String(Math.round(ours.events / 2))]);
  const events = r.first.events;
  const out = {
    case: 'limit-bare-heap-same-events', events, wallS: +r.wallS.toFixed(2), cpuS: +r.cpuS.toFixed(2),
    eventsPerS: Math.round(events / r.wallS), repsimEventsPerS: ours.eventsPerS,
  };
  out.bareOverRepsim = +(out.eventsPerS / ours.eventsPerS).toFixed(2);
  out.bareOverRepsimCpu = +(events / r.cpuS / (ours.events / ours.cpuS)).toFixed(2);
  console.log(JSON.stringify(out));
  results.limit = out;
}

if (!only || only === 'compare') {
  const r = repeated('node', ['bin/repsim.js', 'compare', 'scenarios/primary-region-partition.yaml', '--seeds', '10', '--workers', '2', '--json']);
  // cpuS / 2 is what two otherwise idle cores would need at best.
  const out = { case: 'compare-spec-example-4x10x10m', workers: 2, wallS: +r.wallS.toFixed(2), cpuS: +r.cpuS.toFixed(2), walls: r.walls, peakRssMb: +r.rssMb.toFixed(0) };
  console.log(JSON.stringify(out));
  results.compare = out;
}

if (only === 'day') {
  // One run each: they take minutes; memory, not speed, is the figure.
  const saved = runs;
  runs = 1;
  modelCase('single-primary', ['duration=24h'], 'model-single-primary-24h');
  modelCase('active-active', ['duration=24h'], 'model-active-active-24h');
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
  if (hasSimpy) {
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

if (!only || only === 'play') {
  // The playground in headless Chromium against the CLI (bench/playground.ts); one run of it, it takes minutes.
  const row = JSON.parse(measure('node', ['--import', 'tsx', 'bench/playground.ts']).stdout.trim().split('\n').pop());
  results.play = row;
  console.log(JSON.stringify(row));
}

// The goals of the performance issue, against what this invocation measured.
{
  const goals = [];
  const goal = (name, measured, target, met, short, extra = {}) => goals.push({ goal: name, measured, target, met, ...(met ? {} : { short }), ...extra });
  if (results.peer) {
    const x = results.peer.repsimOverSimpy;
    goal('single-primary hour: repsim simulated writes per wall second / SimPy peer', x, '≥ 10', x >= 10, `${(10 / x).toFixed(2)}× too slow`, { byCpuTime: results.peer.repsimOverSimpyCpu });
  }
  if (results.limit) {
    const x = results.limit.bareOverRepsim;
    goal('single-primary hour: bare loop events/s / repsim events/s', x, '≤ 4', x <= 4, `${(x / 4).toFixed(2)}× too slow`, { byCpuTime: results.limit.bareOverRepsimCpu });
  }
  if (results.compare) {
    const x = results.compare.wallS;
    goal('compare on the example scenario (4 × 10 × 10 min), s', x, '< 60', x < 60, `${(x / 60).toFixed(2)}× too slow`, { cpuSOverCores: +(results.compare.cpuS / 2).toFixed(1) });
  }
  const sp = results['model-single-primary-1h'];
  for (const kind of ['consensus', 'leaderless']) {
    const r = results[`model-${kind}-1h`];
    if (!r || !sp) continue;
    const x = +(r.wallS / sp.wallS).toFixed(2);
    goal(`${kind} hour wall time / single-primary hour wall time`, x, '≤ 2', x <= 2, `${(x / 2).toFixed(2)}× too slow`, { byCpuTime: +(r.cpuS / sp.cpuS).toFixed(2) });
  }
  for (const [label, limit] of [['model-active-active-24h', 500], ['model-single-primary-24h', 450]]) {
    const r = results[label];
    if (r && Number.isFinite(r.peakRssMb)) goal(`${label} peak RSS, MB`, r.peakRssMb, `< ${limit}`, r.peakRssMb < limit, `${r.peakRssMb - limit} MB over`);
  }
  if (results.play?.run10m) {
    const x = results.play.run10m.pageOverCli;
    goal('playground: one 10-minute run in Chromium / the same run by the CLI', x, '≤ 1.5', x <= 1.5, `${(x / 1.5).toFixed(2)}× too slow`, { pageWorkers: results.play.compare4x3.pageWorkers, cores: results.play.cores });
  }
  if (goals.length) console.log(JSON.stringify({ case: 'goals', goals }));
}
