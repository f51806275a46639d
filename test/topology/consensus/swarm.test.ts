// Consensus under the swarm's random fault mixes (every kind: partitions of
// each shape, crashes, pauses, outages, clock jumps, slow links, loss, slow
// disks), for 3 voters and for 2 + 2 + 1 voters with a non-voter: the safety
// checks hold every run, no acknowledged write is lost, no split-brain, no
// stale leaseholder read unless a clock was pushed beyond maxClockOffset (then
// the checker must have counted the hazard), and once every fault has healed
// all replicas converge on one state. Faults are clipped to heal by 50 s.
// A third case places tables (a regional-by-row table under REGION survival
// and a regional-by-table one): every group's checks hold and every group's
// replicas converge.
import { describe, expect, it } from 'vitest';
import { loadScenarioFromText } from '../../../sim/scenario/loader.ts';
import { assemble } from '../../../sim/run.ts';
import { drawFaults, SWARM_KINDS, type SwarmFault } from '../../../sim/check/swarm.ts';
import type { ConsensusRun } from '../../../sim/topology/consensus/module.ts';
import type { TopologyRun } from '../../../sim/topology/module.ts';

const SEEDS = Number(process.env['REPSIM_SWARM_SEEDS'] ?? 10);

/** Per-table placement for the third case: its consensus.tables and the workload's tables. */
const PLACED = {
  tables: '{ users: { locality: regional-by-row, survival: region }, orders: { locality: regional-by-table, leader: eu-west-1 } }',
  workload: '  tables: [ { name: users, share: 0.5 }, { name: orders, share: 0.3 }, { name: data, share: 0.2 } ]\n  remoteShare: 0.2\n',
};

function scenarioText(voters: string, placed?: typeof PLACED): string {
  return `
name: consensus-swarm
seed: 1
duration: 60s
warmup: 5s
regions: [ { id: us-east-1 }, { id: eu-west-1 }, { id: ap-southeast-1 } ]
network:
  rtt: { us-east-1: { eu-west-1: 75ms, ap-southeast-1: 222ms }, eu-west-1: { ap-southeast-1: 189ms } }
  jitter: { dist: lognormal, median: 1ms, sigma: 0.5 }
topology:
  kind: consensus
  consensus: { voters: ${voters}, nonVoters: { eu-west-1: 1 }, leader: us-east-1${placed ? `, tables: ${placed.tables}` : ''} }
failover: { mode: none }
workload:
  keys: { count: 200, distribution: zipf, s: 1.1 }
  regions: { us-east-1: { writes: 60/s, reads: 60/s }, eu-west-1: { writes: 30/s, reads: 60/s }, ap-southeast-1: { writes: 20/s, reads: 30/s } }
  readAfterWrite: { probability: 0.3, delay: 20ms }
  sessions: 100
${placed ? placed.workload : ''}`;
}

function faultsFor(seed: number): SwarmFault[] {
  const drawn = drawFaults({ seed, regionIds: ['us-east-1', 'eu-west-1', 'ap-southeast-1'], durationMs: 60_000, warmupMs: 5_000, kinds: SWARM_KINDS });
  const ms = (s: string): number => Number.parseInt(s, 10);
  return drawn
    .filter((f) => ms(f.at) < 49_000)
    .map((f) => (f.for !== undefined && ms(f.at) + ms(f.for) > 50_000 ? { ...f, for: `${50_000 - ms(f.at)}ms` } : f));
}

function isConsensus(t: TopologyRun): t is ConsensusRun {
  return 'group' in t;
}

describe.each([
  ['3 voters', '{ us-east-1: 1, eu-west-1: 1, ap-southeast-1: 1 }', undefined],
  ['2 + 2 + 1 voters', '{ us-east-1: 2, eu-west-1: 2, ap-southeast-1: 1 }', undefined],
  ['tables placed by row and by table', '{ us-east-1: 1, eu-west-1: 1, ap-southeast-1: 1 }', PLACED],
])('consensus (%s) under random fault mixes', (_name, voters, placed) => {
  it(`keeps its safety properties and converges, ${SEEDS} seeds`, () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const faults = faultsFor(seed);
      const sc = loadScenarioFromText(scenarioText(voters, placed), 'inline.yaml', { sets: [`faults=${JSON.stringify(faults)}`] }).scenario;
      const w = assemble(sc, { seed, variant: 'swarm', contentHash: 'swarm' });
      const s = w.run();
      const why = `seed ${seed}, faults ${JSON.stringify(faults)}`;
      expect(s.invariantViolations, why).toEqual([]);
      expect(s.metrics.rpo.lostAckedWrites, why).toBe(0);
      expect(s.metrics.splitBrain.occurrences, why).toBe(0);
      if ((s.metrics.consensus?.leaseReadsBeyondClockBound ?? 0) === 0) expect(s.metrics.reads.stale, why).toBe(0);
      // Ten quiet seconds after the last fault healed (and the run's end): every replica holds the same state.
      w.settle(10_000_000);
      const t = w.topology;
      if (!isConsensus(t)) throw new Error('not a consensus run');
      expect(t.units.length, why).toBe(placed ? 5 : 1);
      for (const u of t.units) {
        const nodes = u.group.nodes;
        const first = nodes[0]!;
        for (const x of nodes) {
          expect(x.status, why).toBe('up');
          expect(x.appliedIndex, `group ${u.spec.name} replica ${x.id} applied; ${why}`).toBe(first.appliedIndex);
          expect(Buffer.from(x.rowVersion.buffer).equals(Buffer.from(first.rowVersion.buffer)), `group ${u.spec.name} replica ${x.id} rows; ${why}`).toBe(true);
        }
      }
    }
  }, 300_000);
});
