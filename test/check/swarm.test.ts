// Swarm testing catches a planted bug: the scenario skips fencing on
// failover (`fencing: none`) but expects no split-brain. Swarm finds failing
// seeds, prints their replay command, and shrinks one to a single fault.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { drawFaults, replayCommand, SWARM_DEFAULT_KINDS, type SwarmKind } from '../../sim/check/swarm.ts';
import { judgeSwarmRun, type SwarmTarget } from '../../sim/check/swarm-run.ts';
import { shrinkFaults } from '../../sim/check/shrink.ts';
import { runCase } from '../../sim/case.ts';
import { cli, fixtures } from './helpers.ts';
import { FaultSchema } from '../../sim/scenario/schema-faults.ts';

const file = path.join(fixtures, 'unfenced.yaml');
const target: SwarmTarget = { file, variant: 'base', variants: [], expect: { 'splitBrain.occurrences': 0 }, ownFaults: [] };
const kinds: SwarmKind[] = ['partition', 'crash', 'pause'];
const draw = (seed: number) => drawFaults({ seed, regionIds: ['a', 'b', 'c'], durationMs: 90_000, warmupMs: 0, kinds });

describe('swarm', () => {
  it('draws within the declared bounds, reproducibly per seed', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const f = drawFaults({ seed, regionIds: ['a', 'b', 'c'], durationMs: 90_000, warmupMs: 0, kinds: [...SWARM_DEFAULT_KINDS] });
      expect(f.length).toBeGreaterThanOrEqual(1);
      expect(f.length).toBeLessThanOrEqual(4);
      for (const x of f) {
        expect(Number(x.at.replace('ms', ''))).toBeLessThan(90_000);
        if (x.for !== undefined) expect(Number(x.for.replace('ms', ''))).toBeGreaterThanOrEqual(1000);
      }
      expect(f).toEqual(drawFaults({ seed, regionIds: ['a', 'b', 'c'], durationMs: 90_000, warmupMs: 0, kinds: [...SWARM_DEFAULT_KINDS] }));
    }
  });

  it('draws every fault verb of the scenario schema by default, each a valid fault', () => {
    // The verbs are the schema's own fields (all but when and how long), so a verb added there must join swarm's default.
    const verbs = Object.keys(FaultSchema.shape).filter((k) => k !== 'at' && k !== 'for');
    expect([...SWARM_DEFAULT_KINDS].sort()).toEqual([...verbs].sort());
    const seen = new Set<string>();
    for (let seed = 1; seed <= 200; seed++) {
      for (const f of drawFaults({ seed, regionIds: ['a', 'b', 'c'], durationMs: 90_000, warmupMs: 0, kinds: SWARM_DEFAULT_KINDS })) {
        const parsed = FaultSchema.safeParse(f);
        expect(parsed.success, JSON.stringify(f)).toBe(true);
        for (const v of verbs) if (f[v] !== undefined) seen.add(v);
      }
    }
    expect([...seen].sort()).toEqual([...verbs].sort());
  });

  it('finds the planted split-brain and shrinks a failing seed to one fault', () => {
    let shrunk: ReturnType<typeof shrinkFaults> | undefined;
    let seedOf = -1;
    for (let seed = 1; seed <= 30 && !(shrunk && shrunk.faults.length === 1); seed++) {
      const faults = draw(seed);
      if (judgeSwarmRun(target, seed, faults).length === 0) continue;
      shrunk = shrinkFaults(faults, (c) => judgeSwarmRun(target, seed, c).length > 0);
      seedOf = seed;
    }
    expect(shrunk?.faults).toHaveLength(1);
    // The minimal schedule still fails when replayed exactly as printed.
    const f = shrunk?.faults ?? [];
    expect(judgeSwarmRun(target, seedOf, f)).toEqual(['expect splitBrain.occurrences = 1, expected 0']);
    const cmd = replayCommand(file, seedOf, 'base', [], f);
    const setExpr = /--set '(.*)'$/.exec(cmd)?.[1] ?? '';
    expect(runCase({ file, seed: seedOf, sets: [setExpr] }).summary.metrics.splitBrain.occurrences).toBeGreaterThan(0);
  });

  it('the command prints failing seeds with replay commands and the shrunk schedule; exit 1', async () => {
    const r = await cli(['swarm', file, '--seed', '11', '--seeds', '2', '--shrink', '--fault-kinds', kinds.join(',')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/seed 11: FAIL/);
    expect(r.out).toMatch(/replay: repsim run \S+unfenced.yaml --seed 11 --set 'faults=\[/);
    expect(r.out).toMatch(/shrunk seed 11 from \d to \d faults/);
  });

  it('rejects unknown fault kinds as bad input', async () => {
    expect((await cli(['swarm', file, '--fault-kinds', 'partition,meteor'])).code).toBe(2);
  });
});
