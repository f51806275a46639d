// Cross-field checks of topology.consensus.tables (called by
// sim/scenario/validate.ts): every key names a workload table, every region
// named exists, a regional-by-row table is placed by its survival goal only,
// a regional-by-table table's leader region has a voter and its voters are
// given either by count or by survival goal, and REGION survival has at
// least 3 regions (CockroachDB refuses SURVIVE REGION FAILURE with fewer:
// cockroachlabs.com/docs/stable/multiregion-survival-goals).
import type { Scenario } from './schema.ts';
import type { ValidationResult } from './problems.ts';
import type { PathSegment } from './paths.ts';
import { didYouMean } from './wording.ts';

/** Regions a REGION survival goal needs (2 voters at home, 3 elsewhere over at least 2 other regions). */
export const REGION_SURVIVAL_MIN_REGIONS = 3;

export function checkConsensusTables(
  c: Scenario['topology']['consensus'],
  tables: Scenario['workload']['tables'] | undefined,
  known: Set<string>,
  out: ValidationResult,
): void {
  const names = tables?.map((t) => t.name);
  const regionList = [...known].join(', ');
  for (const [name, p] of Object.entries(c.tables)) {
    const at = (...q: PathSegment[]): PathSegment[] => ['topology', 'consensus', 'tables', name, ...q];
    if (names && !names.includes(name)) {
      out.errors.push({ path: at(), message: `unknown table "${name}"${didYouMean(name, names)}; tables are ${names.join(', ')} (workload.tables)`, anchor: 'key' });
    }
    const region = (q: PathSegment[], id: string, anchor?: 'key') => {
      if (!known.has(id)) out.errors.push({ path: q, message: `unknown region "${id}"${didYouMean(id, [...known])}; regions are ${regionList}`, ...(anchor ? { anchor } : {}) });
    };
    for (const field of ['voters', 'nonVoters'] as const) for (const id of Object.keys(p[field] ?? {})) region(at(field, id), id, 'key');
    if (p.leader !== undefined) region(at('leader'), p.leader);
    if (p.locality === 'regional-by-row') {
      for (const field of ['leader', 'voters', 'nonVoters'] as const) {
        if (p[field] !== undefined) out.errors.push({ path: at(field), message: `a regional-by-row table places each home region's group by its survival goal (zone or region); ${field} applies to regional-by-table`, anchor: 'key' });
      }
    } else {
      if (p.survival !== undefined && p.voters !== undefined) {
        out.errors.push({ path: at('survival'), message: 'give either voters or a survival goal, not both: the survival goal places the voters' });
      }
      const voters = p.voters ?? (p.survival ? undefined : c.voters);
      if (voters && Object.values(voters).reduce((a, v) => a + v, 0) === 0) out.errors.push({ path: at('voters'), message: 'a consensus group needs at least one voter' });
      const leader = p.leader ?? c.leader;
      if (voters && leader !== undefined && known.has(leader) && !(voters[leader]! > 0)) {
        out.errors.push({ path: at(p.leader !== undefined ? 'leader' : 'voters'), message: `the table's leader region ${leader} has no voter` });
      }
    }
    if ((p.survival ?? (p.locality === 'regional-by-row' ? 'zone' : undefined)) === 'region' && known.size < REGION_SURVIVAL_MIN_REGIONS) {
      out.errors.push({ path: at('survival'), message: `survival region needs at least ${REGION_SURVIVAL_MIN_REGIONS} regions (2 voters at home, 3 spread over the others); there are ${known.size}` });
    }
  }
}
