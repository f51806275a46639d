// Active-active under random fault mixes (the swarm's draws: partitions,
// crashes, pauses, outages, loss, slow applies), over WAL and over CDC
// channels: once every fault has healed and replication has drained, every
// region holds the same state, and a set (gset) table has lost no
// acknowledged add. Faults are clipped to heal before the run ends (a fault
// still open at the end is never undone, so regions could not converge).
import { describe, expect, it } from 'vitest';
import { loadScenarioFromText } from '../../../sim/scenario/loader.ts';
import { assembleActiveActive } from '../../helpers/active-active.ts';
import { drawFaults, type SwarmFault } from '../../../sim/check/swarm.ts';

const SEEDS = Number(process.env['REPSIM_SWARM_SEEDS'] ?? 12);

function scenarioText(channel: 'wal' | 'cdc'): string {
  return `
name: aa-swarm-${channel}
seed: 1
duration: 60s
warmup: 5s
regions: [ { id: a }, { id: b }, { id: c, clock: { offset: -200ms } } ]
network:
  rtt: { a: { b: 75ms, c: 220ms }, b: { c: 190ms } }
  jitter: { dist: lognormal, median: 1ms, sigma: 0.5 }
topology:
  kind: active-active
  conflict: lww-hlc
  replication: { channel: ${channel}, cdcDelay: { dist: uniform, min: 0ms, max: 150ms }, cdcPartitions: 4 }
failover: { mode: none }
workload:
  keys: { count: 200, distribution: zipf, s: 1.1 }
  tables: [ { name: carts, share: 0.5, merge: gset }, { name: users, share: 0.5 } ]
  regions: { a: { writes: 50/s, reads: 50/s }, b: { writes: 50/s, reads: 50/s }, c: { writes: 50/s, reads: 50/s } }
`;
}

/** The swarm's draw for `seed`, each fault ending by 55 s. */
function faultsFor(seed: number): SwarmFault[] {
  const drawn = drawFaults({ seed, regionIds: ['a', 'b', 'c'], durationMs: 60_000, warmupMs: 5_000, kinds: ['partition', 'crash', 'pause', 'outage', 'loss', 'slowApply'] });
  const ms = (s: string): number => Number.parseInt(s, 10);
  return drawn
    .filter((f) => ms(f.at) < 54_000)
    .map((f) => (f.for !== undefined && ms(f.at) + ms(f.for) > 55_000 ? { ...f, for: `${55_000 - ms(f.at)}ms` } : f));
}

describe.each(['wal', 'cdc'] as const)('active-active over %s under random faults', (channel) => {
  it(`converges and keeps every acknowledged add, ${SEEDS} seeds`, () => {
    const text = scenarioText(channel);
    for (let seed = 1; seed <= SEEDS; seed++) {
      const faults = faultsFor(seed);
      const sc = loadScenarioFromText(text, 'inline.yaml', { sets: [`faults=${JSON.stringify(faults)}`] }).scenario;
      const acked: Array<[number, number]> = [];
      const w = assembleActiveActive(sc, seed, (row, id) => acked.push([row, id]));
      const s = w.run();
      w.settle(60_000_000);
      const aa = w.activeActive;
      const why = `seed ${seed}, faults ${JSON.stringify(faults)}`;
      const states = [0, 1, 2].map((r) => JSON.stringify(aa.finalState(r)));
      expect(states[1], `b = a; ${why}`).toBe(states[0]);
      expect(states[2], `c = a; ${why}`).toBe(states[0]);
      for (let r = 0; r < 3; r++) for (const [row, id] of acked) if (row < sc.workload.keys.count) expect(aa.reflects(r, row, id), `region ${r} row ${row} add ${id}; ${why}`).toBe(true);
      expect(s.metrics.rpo.lostAckedWrites, why).toBe(0);
    }
  }, 120_000);
});
