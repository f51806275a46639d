// Every topology's trace says when each fault started and ended (the one run
// assembly gives the nemesis the trace hook for all of them; the
// multi-writer assembly used to give it none, so active-active and
// region-pinned traces had no fault lines).
import { describe, expect, it } from 'vitest';
import { loadScenarioFromText } from '../sim/scenario/loader.ts';
import { simulate } from '../sim/run.ts';
import type { TraceEvent } from '../sim/measure/history.ts';

const text = (kind: string) => `
name: traced
seed: 3
duration: 10s
regions: [ { id: a }, { id: b }, { id: c } ]
network: { rtt: { a: { b: 20ms, c: 20ms }, b: { c: 20ms } } }
topology: { kind: ${kind} }
failover: { mode: none }
workload:
  keys: { count: 100 }
  regions: { a: { writes: 50/s, reads: 50/s }, b: { writes: 50/s, reads: 50/s } }
faults:
  - { at: 2s, for: 3s, partition: { isolate: b } }
  - { at: 6s, for: 1s, crash: { region: c } }
`;

describe.each(['single-primary', 'active-active', 'region-pinned'])('%s trace', (kind) => {
  it('has a fault-start and a fault-end line for each fault, at its times', () => {
    const sc = loadScenarioFromText(text(kind), 'inline.yaml').scenario;
    const events: TraceEvent[] = [];
    simulate(sc, { seed: 3, variant: 'default', contentHash: 'x', trace: { write: (e) => events.push(e) } });
    const faults = events.filter((e) => e.event === 'fault-start' || e.event === 'fault-end').map((e) => [e.event, e.kind, e.tUs]);
    expect(faults).toEqual([
      ['fault-start', 'partition', 2_000_000],
      ['fault-end', 'partition', 5_000_000],
      ['fault-start', 'crash', 6_000_000],
      ['fault-end', 'crash', 7_000_000],
    ]);
  });
});
