// Cross-field checks of a leaderless topology section (called by
// sim/scenario/validate.ts): replica counts name declared regions and add up
// to at least one replica; a level that asks for more replicas than exist is
// an error.
import type { Scenario } from './schema.ts';
import type { ValidationResult } from './problems.ts';
import { replicasNeeded } from './consistency-levels.ts';

/** Replicas per region (scenario order): the `replicas` map, or 1 per region. */
export function replicaCounts(sc: Pick<Scenario, 'regions' | 'topology'>): number[] {
  const r = sc.topology.leaderless.replicas;
  return sc.regions.map((g) => (r ? (r[g.id] ?? 0) : 1));
}

export function checkLeaderless(topology: Scenario['topology'], regions: Scenario['regions'], known: Set<string>, out: ValidationResult): void {
  if (topology.kind !== 'leaderless') return;
  const l = topology.leaderless;
  const at = (...p: string[]) => ['topology', 'leaderless', ...p];
  for (const id of Object.keys(l.replicas ?? {})) {
    if (!known.has(id)) out.errors.push({ path: at('replicas', id), message: `unknown region "${id}"; regions are ${[...known].join(', ')}`, anchor: 'key' });
  }
  const n = replicaCounts({ regions, topology });
  const total = n.reduce((a, b) => a + b, 0);
  if (total === 0) {
    out.errors.push({ path: at('replicas'), message: 'a leaderless topology needs at least one replica' });
    return;
  }
  if (l.sloppyQuorum && l.hintedHandoff === false) {
    out.errors.push({ path: at('sloppyQuorum'), message: 'a sloppy quorum needs hinted handoff: a stand-in only hands its write over through a hint (set hintedHandoff, or sloppyQuorum: false)' });
  }
  for (const which of ['write', 'read'] as const) {
    const need = replicasNeeded(l[which], total);
    if (need !== undefined && need > total) out.errors.push({ path: at(which), message: `${String(l[which])} needs ${need} replicas but there are ${total} (topology.leaderless.replicas)` });
  }
}
