// `repsim swarm <scenario> --seeds N [--shrink] [--fault-kinds k,...]`: for
// each seed (the scenario's seed, +1, ...), draws a random fault mix
// (sim/check/swarm.ts), appends it to the scenario's faults, runs, and checks
// invariants and the `expect:` block. Each failing seed prints its failures
// and the exact replay command. --shrink minimises the first failing seed's
// drawn faults (sim/check/shrink.ts) and prints the minimal schedule and its
// replay command. Exit 1 if any seed failed, 2 on bad input, else 0.
import type { Argv } from 'yargs';
import type { Command } from './command.ts';
import { InputError } from '../core/errors.ts';
import { countOption, SEED_MAX, seedOption, valueCoerce, valueOption } from './options.ts';
import { runsProgress } from './progress.ts';
import { listVariants, loadScenario } from '../scenario/loader.ts';
import { drawFaults, replayCommand, SWARM_DEFAULT_KINDS, SWARM_KINDS, type SwarmFault, type SwarmKind } from '../check/swarm.ts';
import { judgeSwarmRun, type SwarmTarget } from '../check/swarm-run.ts';
import { shrinkFaults } from '../check/shrink.ts';

export const swarmCommand: Command = {
  name: 'swarm <scenario>',
  describe: 'Run a scenario under random fault mixes, one per seed; report (and shrink) failing seeds',
  builder: (y: Argv) =>
    y
      .positional('scenario', { type: 'string', describe: 'scenario YAML file', demandOption: true })
      .option('seeds', countOption('seeds', 1, 1_000_000, 'number of seeds (the scenario seed, +1, ...; default 20)'))
      .option('seed', seedOption("first seed (default: the scenario's seed)"))
      .option('variant', valueOption('variant', 'variant name from the scenario'))
      .option('shrink', { type: 'boolean', default: false, describe: 'minimise the first failing schedule' })
      .option('fault-kinds', { ...valueOption('fault-kinds', `comma-separated kinds to draw from: ${SWARM_KINDS.join(', ')} (default: all of them)`), coerce: (v: unknown) => parseKinds(valueCoerce('fault-kinds', v)) }) as unknown as Argv,
  async run(args) {
    const file = args.scenario as string;
    const seeds = (args.seeds as number | undefined) ?? 20;
    const kinds = (args['fault-kinds'] as SwarmKind[] | undefined) ?? [...SWARM_DEFAULT_KINDS];
    const variants = listVariants(file);
    const variant = (args.variant as string | undefined) ?? 'base';
    if (variant !== 'base' && !variants.includes(variant)) throw new InputError(`${file}: --variant ${variant}: no such variant (have: ${variants.join(', ') || 'none'})`);
    const loaded = loadScenario(file, variant === 'base' ? {} : { variant });
    const sc = loaded.scenario;
    const raw = loaded.raw as { faults?: unknown[] };
    const target: SwarmTarget = { file, variant, variants, expect: sc.expect, ownFaults: raw.faults ?? [] };
    const first = (args.seed as number | undefined) ?? sc.seed;
    if (seeds - 1 > SEED_MAX - first) throw new InputError(`--seed ${first} with --seeds ${seeds}: the last seed would pass 2^53-1 (${SEED_MAX})`);
    const draw = (seed: number) => drawFaults({ seed, regionIds: sc.regions.map((r) => r.id), durationMs: sc.duration / 1000, warmupMs: sc.warmup / 1000, kinds });

    let failed: { seed: number; faults: SwarmFault[] } | undefined;
    let failures = 0;
    const bar = runsProgress(seeds, 'swarm');
    try {
      for (let seed = first; seed < first + seeds; seed++) {
        const faults = draw(seed);
        const problems = judgeSwarmRun(target, seed, faults);
        bar.interrupt();
        if (problems.length === 0) {
          process.stdout.write(`seed ${seed}: ok (${faults.length} faults)\n`);
          bar.tick();
          continue;
        }
        failures++;
        failed ??= { seed, faults };
        process.stdout.write(`seed ${seed}: FAIL (${faults.length} faults)\n`);
        for (const p of problems) process.stdout.write(`  ${p}\n`);
        process.stdout.write(`  replay: ${replayCommand(file, seed, variant, target.ownFaults, faults)}\n`);
        bar.tick();
      }
    } finally {
      bar.stop();
    }
    process.stdout.write(`swarm: ${seeds} seeds, ${failures} failed\n`);
    if (failed && args.shrink === true) {
      const f = failed;
      const r = shrinkFaults(f.faults, (cand) => judgeSwarmRun(target, f.seed, cand).length > 0);
      process.stdout.write(`shrunk seed ${f.seed} from ${f.faults.length} to ${r.faults.length} faults in ${r.runs} runs:\n`);
      for (const x of r.faults) process.stdout.write(`  - ${JSON.stringify(x)}\n`);
      for (const p of judgeSwarmRun(target, f.seed, r.faults)) process.stdout.write(`  ${p}\n`);
      process.stdout.write(`  replay: ${replayCommand(file, f.seed, variant, target.ownFaults, r.faults)}\n`);
    }
    return failures > 0 ? 1 : 0;
  },
};

function parseKinds(v: string): SwarmKind[] {
  const list = String(v).split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = list.filter((k) => !(SWARM_KINDS as readonly string[]).includes(k));
  if (bad.length > 0 || list.length === 0) throw new InputError(`--fault-kinds: unknown kind${bad.length === 1 ? '' : 's'} ${bad.join(', ') || '(none given)'}; choose from ${SWARM_KINDS.join(', ')}`);
  return list as SwarmKind[];
}
