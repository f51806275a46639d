// Where the consensus topology's Raft groups sit and which group holds a
// row: CockroachDB's table localities (cockroachlabs.com/docs/stable/
// table-localities) and survival goals (docs/stable/multiregion-survival-goals).
//
// - Tables not listed under topology.consensus.tables share one group placed
//   by the top-level voters / nonVoters / leader (named `*`).
// - regional-by-table: the table is one group with its own voters and
//   leader region (REGIONAL BY TABLE IN region).
// - regional-by-row: one group per home region (a group stands for the
//   ranges homed there), led from that region, holding the rows homed there
//   (homes.ts: home = key mod region count) — REGIONAL BY ROW.
//
// Survival goals place a group's replicas relative to its home region h:
// zone = 3 voters in h (one per zone) and a non-voter in every other region;
// region = 2 voters in h and 3 spread over the other regions nearest first
// (round robin; with 3 regions 2 + 2 + 1), and a non-voter in any region
// left without a replica. A group's name picks its RNG streams: the shared
// group keeps the single-group names.
import type { Scenario } from '../../scenario/schema.ts';
import type { KeySpace } from '../../world/keys.ts';
import { homeOf } from '../homes.ts';
import type { Placement } from './group.ts';

/** Name of the group holding the tables not listed under topology.consensus.tables. */
export const SHARED_GROUP = '*';

/** One group to build. */
export interface GroupSpec {
  /** `*` (shared), a table name (regional-by-table) or `table@region` (regional-by-row). */
  name: string;
  placement: Placement[];
  /** Region whose voters lead when healthy. */
  preferred: number;
}

export interface GroupLayout {
  groups: GroupSpec[];
  /** Whether a table's rows are homed (regional-by-row), by table index. */
  homed: boolean[];
  /** The group index of a row. */
  groupOf(row: number): number;
}

/** Replicas in a stable order: voters in region order, then non-voters in region order. */
export function placementFrom(voters: readonly number[], nonVoters: readonly number[]): Placement[] {
  const out: Placement[] = [];
  voters.forEach((v, r) => {
    for (let k = 0; k < v; k++) out.push({ region: r, voter: true });
  });
  nonVoters.forEach((v, r) => {
    for (let k = 0; k < v; k++) out.push({ region: r, voter: false });
  });
  return out;
}

/** Voters and non-voters per region for a survival goal with home region `home`; `rttUs` orders the other regions. */
export function survivalCounts(goal: 'zone' | 'region', home: number, regionCount: number, rttUs: (a: number, b: number) => number): { voters: number[]; nonVoters: number[] } {
  const voters = new Array<number>(regionCount).fill(0);
  const nonVoters = new Array<number>(regionCount).fill(0);
  const others = [...Array(regionCount).keys()].filter((r) => r !== home).sort((a, b) => rttUs(home, a) - rttUs(home, b) || a - b);
  if (goal === 'zone') {
    voters[home] = 3;
  } else {
    voters[home] = 2;
    for (let k = 0; k < 3 && others.length > 0; k++) {
      const r = others[k % others.length] as number;
      voters[r] = (voters[r] as number) + 1;
    }
  }
  for (const r of others) if (voters[r] === 0) nonVoters[r] = 1;
  return { voters, nonVoters };
}

/** The groups a scenario asks for, and the row → group map. */
export function layoutOf(sc: Scenario, ids: readonly string[], keys: KeySpace, rttUs: (a: number, b: number) => number): GroupLayout {
  const c = sc.topology.consensus;
  const n = ids.length;
  const count = (m: Record<string, number> | undefined, dflt: number) => ids.map((id) => (m ? (m[id] ?? 0) : dflt));
  const regionOf = (id: string | undefined) => (id !== undefined ? ids.indexOf(id) : 0);
  const tables = sc.workload.tables;
  const groups: GroupSpec[] = [];
  /** Per table: its group index, or the first of its per-home groups. */
  const base = new Int32Array(tables.length);
  const homed = tables.map(() => false);
  let shared = -1;
  tables.forEach((t, i) => {
    const p = c.tables[t.name];
    if (!p) {
      if (shared < 0) {
        shared = groups.length;
        groups.push({ name: SHARED_GROUP, placement: placementFrom(count(c.voters, 1), count(c.nonVoters, 0)), preferred: regionOf(c.leader) });
      }
      base[i] = shared;
      return;
    }
    base[i] = groups.length;
    if (p.locality === 'regional-by-row') {
      homed[i] = true;
      for (let h = 0; h < n; h++) {
        const s = survivalCounts(p.survival ?? 'zone', h, n, rttUs);
        groups.push({ name: `${t.name}@${ids[h]}`, placement: placementFrom(s.voters, s.nonVoters), preferred: h });
      }
      return;
    }
    const home = regionOf(p.leader ?? c.leader);
    const s = p.survival && !p.voters ? survivalCounts(p.survival, home, n, rttUs) : undefined;
    const voters = s ? s.voters : count(p.voters ?? c.voters, 1);
    const nonVoters = p.nonVoters ? count(p.nonVoters, 0) : s ? s.nonVoters : count(c.nonVoters, 0);
    groups.push({ name: t.name, placement: placementFrom(voters, nonVoters), preferred: home });
  });
  const single = groups.length === 1;
  return {
    groups,
    homed,
    groupOf: single ? () => 0 : (row) => {
      const t = keys.tableOf(row);
      const b = base[t] as number;
      return homed[t] ? b + homeOf(keys, n, row) : b;
    },
  };
}
