// One swarm run judged: the scenario plus a drawn fault mix, run, then its
// invariants and `expect:` block checked. Returns the failure lines (empty
// when it passed). Throws InputError for bad input (unknown metric, ...).
import { runCase } from '../case.ts';
import { evaluateExpect } from './expect.ts';
import { faultsSet, type SwarmFault } from './swarm.ts';

export interface SwarmTarget {
  file: string;
  /** `base` when none. */
  variant: string;
  variants: readonly string[];
  expect: Record<string, unknown>;
  /** The scenario's own faults, as written (after the variant's overrides). */
  ownFaults: readonly unknown[];
}

export function judgeSwarmRun(t: SwarmTarget, seed: number, extra: readonly SwarmFault[]): string[] {
  const { summary } = runCase({ file: t.file, variant: t.variant, seed, sets: [faultsSet(t.ownFaults, extra)] });
  const out = summary.invariantViolations.map((v) => `invariant violated: ${v}`);
  for (const r of evaluateExpect(t.expect, summary, { variant: t.variant, variants: t.variants, file: t.file })) {
    if (!r.ok) out.push(`expect ${r.message}`);
  }
  return out;
}
