// Placement per table and per row (CockroachDB's table localities,
// cockroachlabs.com/docs/stable/table-localities, and survival goals,
// cockroachlabs.com/docs/stable/multiregion-survival-goals: ZONE = 3 voters
// in the home region, REGION = 2 at home and 3 elsewhere). Every expected
// latency below is derived by hand from the placement, the docs/references.md RTTs
// (helpers.ts), 1 ms within a region and the constant 50 µs durability time:
//
// - a write's commit = the leader's round trip to the voter that completes
//   its quorum + the durability time;
// - a client in the leader's region is served when it issues the write and
//   gets the answer half an intra-region round trip (0.5 ms) after commit;
// - a client elsewhere pays its round trip to the leader on top of commit.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { load, run, type Spec } from '../../helpers/scenario.ts';
import type { Percentiles, Summary } from '../../../sim/scenario/summary-types.ts';
import { problemsOf, repoRoot } from '../../scenario/helpers.ts';
import { AP, consensusSpec, DURABLE_MS, EU, RTT_MS, US } from './helpers.ts';
import { survivalCounts } from '../../../sim/topology/consensus/placement.ts';

const INTRA_MS = 1;
const HALF_INTRA_MS = INTRA_MS / 2;

function within5(actual: number, expected: number): void {
  expect(Math.abs(actual - expected) / expected, `${actual} vs ${expected}`).toBeLessThan(0.05);
}

function consensusOf(s: Summary): NonNullable<Summary['metrics']['consensus']> {
  expect(s.invariantViolations).toEqual([]);
  const c = s.metrics.consensus;
  if (!c) throw new Error('no metrics.consensus');
  return c;
}

function split(s: Summary): { local: { writes: Percentiles; reads: Percentiles }; remote: { writes: Percentiles; reads: Percentiles } } {
  const l = consensusOf(s).latencyMs;
  if (!l) throw new Error('no metrics.consensus.latencyMs');
  return l;
}

/** Two regions only (us-east-1, eu-west-1, 75 ms apart): a remote row then has one home, one RTT. */
function twoRegions(over: Spec): Spec {
  return {
    ...consensusSpec(over),
    regions: [{ id: US }, { id: EU }],
    network: { rtt: { [US]: { [EU]: `${RTT_MS.usEu}ms` } }, jitter: 0, bandwidth: '10TB/s', intraRegionRtt: `${INTRA_MS}ms` },
  };
}

describe('consensus placement per row (REGIONAL BY ROW)', () => {
  it('ZONE survival: a local row commits at intra-region latency, a remote row pays the RTT to its home', () => {
    const s = run(twoRegions({
      topology: { consensus: { tables: { data: { locality: 'regional-by-row', survival: 'zone' } } } },
      workload: { remoteShare: 0.5, regions: { [EU]: { writes: '200/s' } } },
    })).summary;
    const l = split(s);
    // Local: the client's half round trip to its leader, then the eu-west-1 group's 3 voters, all in
    // eu-west-1: quorum 2 of 3 one intra-region round trip away → commit 1 + 0.05 ms, then the half round
    // trip back to the client: 0.5 + 1.05 + 0.5 ms.
    within5(l.local.writes.p50, HALF_INTRA_MS + INTRA_MS + DURABLE_MS + HALF_INTRA_MS);
    // Remote: rows homed in us-east-1: 75 ms to their leader and back, plus its local quorum (1 + 0.05 ms).
    within5(l.remote.writes.p50, RTT_MS.usEu + INTRA_MS + DURABLE_MS);
    // Half of the writes each way (remoteShare 0.5), within a few percent.
    expect(l.local.writes.p50).toBeLessThan(l.remote.writes.p50);
    const groups = consensusOf(s).groups ?? [];
    expect(groups.map((g) => [g.name, g.home, g.voters, g.nonVoters])).toEqual([
      [`data@${US}`, US, 3, 1],
      [`data@${EU}`, EU, 3, 1],
    ]);
    // Each group's own commit latency: its home's intra-region quorum.
    within5((groups[1] as { commitLatencyMs: Percentiles }).commitLatencyMs.p50, INTRA_MS + DURABLE_MS);
  });

  it('REGION survival (2 at home, 2 + 1 elsewhere): a local write pays the RTT to the nearest other region\'s voter', () => {
    const s = run(consensusSpec({
      topology: { consensus: { tables: { data: { locality: 'regional-by-row', survival: 'region' } } } },
      workload: { regions: { [US]: { writes: '200/s' } } },
    })).summary;
    // us-east-1's group: 2 voters in us-east-1, 2 in eu-west-1 (nearest, 75 ms), 1 in ap-southeast-1.
    // Quorum 3 of 5: the leader, the other us-east-1 voter (1 ms) and an eu-west-1 voter (75 ms).
    const groups = consensusOf(s).groups ?? [];
    expect(groups.map((g) => [g.name, g.voters, g.nonVoters])).toEqual([
      [`data@${US}`, 5, 0],
      [`data@${EU}`, 5, 0],
      [`data@${AP}`, 5, 0],
    ]);
    within5(split(s).local.writes.p50, RTT_MS.usEu + DURABLE_MS + HALF_INTRA_MS);
    expect(split(s).remote.writes.p50).toBe(0); // no remote rows (remoteShare 0)
  });

  it('an outage of one home region: only that region\'s group elects a new leader; rows homed elsewhere keep committing', () => {
    const s = run(consensusSpec({
      duration: '40s',
      topology: { consensus: { tables: { data: { locality: 'regional-by-row', survival: 'region' } } } },
      workload: { regions: { [US]: { writes: '100/s', reads: '100/s' }, [EU]: { writes: '100/s', reads: '100/s' }, [AP]: { writes: '50/s', reads: '50/s' } } },
      faults: [{ at: '10s', for: '15s', outage: { region: AP } }],
    })).summary;
    const c = consensusOf(s);
    expect(s.metrics.rpo.lostAckedWrites).toBe(0);
    expect(s.metrics.splitBrain.occurrences).toBe(0);
    // ap-southeast-1's group (2 voters there, 2 in eu-west-1, 1 in us-east-1) keeps 3 of 5 voters and elects
    // a leader outside ap-southeast-1; the other groups lose only 1 of their 5 voters and keep their leader.
    const byName = new Map((c.groups ?? []).map((g) => [g.name, g]));
    expect(byName.get(`data@${US}`)?.leaderChanges).toBe(0);
    expect(byName.get(`data@${EU}`)?.leaderChanges).toBe(0);
    expect(byName.get(`data@${AP}`)?.leaderChanges).toBeGreaterThanOrEqual(1);
    expect(s.metrics.failovers.length).toBeGreaterThanOrEqual(1);
    for (const f of s.metrics.failovers) expect(f.group).toBe(`data@${AP}`);
    const first = s.metrics.failovers[0];
    expect(first?.from).toBe(AP);
    expect(first?.to).not.toBe(AP);
    // us-east-1 and eu-west-1 clients write only their own rows (remoteShare 0): never unavailable.
    expect(s.metrics.rto.writeUnavailableMs[US]).toBe(0);
    expect(s.metrics.rto.writeUnavailableMs[EU]).toBe(0);
    expect(c.readUnavailableMs[US]).toBe(0);
    // ap-southeast-1's clients are dark with their region for 15 whole seconds (10 s to 25 s): every read they
    // issue then fails, so at least 15 s of read unavailability; afterwards their rows' leader is elsewhere and
    // answers within the client timeout, so at most a second or two more. The consensus key is the run's.
    const apReads = s.metrics.reads.unavailableMs?.[AP] ?? NaN;
    expect(apReads).toBeGreaterThanOrEqual(15_000);
    expect(apReads).toBeLessThan(17_000);
    expect(c.readUnavailableMs[AP]).toBe(apReads);
  });

  it('same seed ⇒ identical summary', () => {
    const spec = consensusSpec({
      topology: { consensus: { tables: { data: { locality: 'regional-by-row' } } } },
      workload: { remoteShare: 0.3, regions: { [US]: { writes: '100/s', reads: '100/s' }, [AP]: { writes: '50/s', reads: '50/s' } } },
      faults: [{ at: '10s', for: '5s', crash: { region: US } }],
    });
    expect(JSON.stringify(run(spec, { seed: 3 }).summary)).toBe(JSON.stringify(run(spec, { seed: 3 }).summary));
  });
});

describe('consensus placement per table (REGIONAL BY TABLE)', () => {
  it('a table led from eu-west-1: us-east-1 clients pay the us-east-1 ↔ eu-west-1 RTT on top of its commit', () => {
    const s = run(consensusSpec({
      topology: { consensus: { voters: { [US]: 3 }, tables: { orders: { locality: 'regional-by-table', leader: EU, survival: 'zone' } } } },
      workload: {
        tables: [{ name: 'data', share: 0.5, rowBytes: 100 }, { name: 'orders', share: 0.5, rowBytes: 100 }],
        regions: { [US]: { writes: '200/s', reads: '200/s' } },
      },
    })).summary;
    const l = split(s);
    // Leaseholder reads: `data`'s leader is in the client's region (answered one intra-region round trip
    // after issue), `orders`' leader 75 ms away.
    within5(l.local.reads.p50, INTRA_MS);
    within5(l.remote.reads.p50, RTT_MS.usEu);
    // `data` (not listed): the shared group, 3 voters in us-east-1, led from there: local, 0.5 + 1 + 0.05 + 0.5 ms.
    within5(l.local.writes.p50, HALF_INTRA_MS + INTRA_MS + DURABLE_MS + HALF_INTRA_MS);
    // `orders`: ZONE survival in eu-west-1 (3 voters there): 75 ms to its leader and back + its 1.05 ms commit.
    within5(l.remote.writes.p50, RTT_MS.usEu + INTRA_MS + DURABLE_MS);
    const groups = consensusOf(s).groups ?? [];
    expect(groups.map((g) => [g.name, g.home, g.voters, g.nonVoters])).toEqual([['*', US, 3, 0], ['orders', EU, 3, 2]]);
  });
});

describe('survival goals place voters around the home region', () => {
  // Five regions on a line, region i at i × 10 ms: the RTT is 10 ms × the distance.
  const rtt = (a: number, b: number) => Math.abs(a - b) * 10_000;
  it('ZONE: 3 voters at home, a non-voter in every other region', () => {
    expect(survivalCounts('zone', 1, 5, rtt)).toEqual({ voters: [0, 3, 0, 0, 0], nonVoters: [1, 0, 1, 1, 1] });
  });
  it('REGION: 2 at home, 3 over the nearest others (ties by region order), a non-voter where no replica is left', () => {
    // From region 1: regions 0 and 2 at 10 ms, 3 at 20 ms, 4 at 30 ms.
    expect(survivalCounts('region', 1, 5, rtt)).toEqual({ voters: [1, 2, 1, 1, 0], nonVoters: [0, 0, 0, 0, 1] });
    // Three regions: the nearest other region gets 2, the farther 1 (2 + 2 + 1).
    expect(survivalCounts('region', 2, 3, rtt)).toEqual({ voters: [1, 2, 2], nonVoters: [0, 0, 0] });
  });
});

describe('consensus placement: bad input', () => {
  const problems = (tables: Record<string, unknown>) =>
    problemsOf(() => load(consensusSpec({ topology: { consensus: { voters: { [US]: 1, [EU]: 1 }, tables } } }))).map((l) => l.replace(/^[^:]+:\d+:\d+: /, ''));

  it('a regional-by-row table takes no leader or voters; a regional-by-table one not both voters and survival, and a voter where it leads', () => {
    expect(problems({ data: { locality: 'regional-by-row', leader: US, voters: { [US]: 3 } } })).toEqual([
      'topology.consensus.tables.data.leader: a regional-by-row table places each home region\'s group by its survival goal (zone or region); leader applies to regional-by-table',
      'topology.consensus.tables.data.voters: a regional-by-row table places each home region\'s group by its survival goal (zone or region); voters applies to regional-by-table',
    ]);
    expect(problems({ data: { locality: 'regional-by-table', leader: EU, voters: { [EU]: 3 }, survival: 'zone' } })).toEqual([
      'topology.consensus.tables.data.survival: give either voters or a survival goal, not both: the survival goal places the voters',
    ]);
    // The top-level voters (us-east-1 and eu-west-1) apply to the table: ap-southeast-1 has none.
    expect(problems({ data: { locality: 'regional-by-table', leader: AP } })).toEqual([
      `topology.consensus.tables.data.leader: the table's leader region ${AP} has no voter`,
    ]);
  });

  it('unknown table, unknown region, REGION survival with 2 regions: located errors, exit 2', () => {
    const r = spawnSync(process.execPath, ['bin/repsim.js', 'validate', 'test/fixtures/scenarios/consensus-tables-errors.yaml'], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const f = 'test/fixtures/scenarios/consensus-tables-errors.yaml';
    expect(r.stderr.split('\n').filter((x) => x !== '')).toEqual([
      `${f}:17:7: topology.consensus.tables.ordres: unknown table "ordres" (did you mean "orders"?); tables are data, orders (workload.tables)`,
      `${f}:20:17: topology.consensus.tables.orders.leader: unknown region "eu-west-2" (did you mean "eu-west-1"?); regions are us-east-1, eu-west-1`,
      `${f}:23:19: topology.consensus.tables.data.survival: survival region needs at least 3 regions (2 voters at home, 3 spread over the others); there are 2`,
    ]);
  });
});
