// Schedules that swarm mode once found breaking an invariant, kept as
// regression tests. Each runs the exact replay command's scenario.
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { loadScenario } from '../../sim/scenario/loader.ts';
import { simulate } from '../../sim/run.ts';

const scenario = (name: string) => resolve(import.meta.dirname, '../../scenarios', `${name}.yaml`);

describe('swarm regressions', () => {
  // The new primary crashed while the old one (STONITHed) became reachable
  // again: the old primary rejoined the crashed primary and copied row
  // versions that a later rewind discarded — "counted lost but present".
  // Now a node rejoins only a primary that is up, and a rewind restores rows
  // from its own WAL as of the common LSN.
  it('github-2018-partition async-stonith seed 45: rejoining a crashed primary', () => {
    const faults = JSON.stringify([
      { at: '60s', partition: { isolate: 'us-east-1' }, for: '43s' },
      { at: '86061ms', for: '48827ms', crash: { region: 'us-west-2' } },
      { at: '80009ms', clockJump: { region: 'us-west-2', by: '7717ms' } },
      { at: '106440ms', for: '15664ms', partition: { from: 'us-west-2', to: 'us-east-1' } },
    ]);
    const l = loadScenario(scenario('github-2018-partition'), { variant: 'async-stonith', sets: [`faults=${faults}`] });
    const s = simulate(l.scenario, { seed: 45, variant: l.variant, contentHash: l.contentHash });
    expect(s.invariantViolations).toEqual([]);
    expect(s.metrics.failovers.length).toBeGreaterThanOrEqual(2);
    expect(s.metrics.splitBrain.occurrences).toBe(0);
  });
});
