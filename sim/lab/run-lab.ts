// `repsim lab` as a procedure: the simulator over `seeds` seeds, then
// `trials` real runs, then the side-by-side rows and the calibration. The CLI
// (sim/cli/lab.ts) parses flags, prints and writes files; this decides
// nothing about output.
import type { LoadedScenario } from '../scenario/loader.ts';
import type { Summary } from '../scenario/summary-types.ts';
import type { HistoryRecord } from '../measure/history.ts';
import { simulate } from '../run.ts';
import { compareRuns, type LabRow } from './compare.ts';
import { calibrate, calibrated, type Calibration } from './calibrate.ts';
import { runTrial } from './trial.ts';
import type { PgInstall } from './postgres.ts';

export interface LabOptions {
  loaded: LoadedScenario;
  pg: PgInstall;
  seeds: number;
  firstSeed: number;
  trials: number;
  log: (s: string) => void;
  /** Receives the first trial's history records, when set. */
  history?: ((r: HistoryRecord) => void) | undefined;
  onClusterUp?: (dir: string) => void;
  keep?: boolean;
}

export interface LabResult {
  sim: Summary[];
  lab: Summary[];
  rows: LabRow[];
  calibration: Calibration | undefined;
  /** The same rows with the calibration's settings applied to the simulated side (same seeds, same measured runs). */
  calibratedRows?: LabRow[] | undefined;
  /** Every judged row agreed. */
  agrees: boolean;
}

export async function runLab(o: LabOptions): Promise<LabResult> {
  const { scenario: sc, variant, contentHash } = o.loaded;
  const sim: Summary[] = [];
  for (let s = o.firstSeed; s < o.firstSeed + o.seeds; s++) {
    sim.push(simulate(sc, { seed: s, variant, contentHash }));
  }
  o.log(`lab: simulated ${o.seeds} seeds; starting ${o.trials} real trial${o.trials === 1 ? '' : 's'} of ${sc.duration / 1e6} s`);
  const lab: Summary[] = [];
  for (let t = 0; t < o.trials; t++) {
    const history = t === 0 && o.history ? { write: o.history } : undefined;
    const r = await runTrial({ pg: o.pg, scenario: sc, variant, seed: o.firstSeed + t, log: o.log, history, keep: o.keep, onClusterUp: o.onClusterUp });
    o.log(`lab: trial ${t + 1}/${o.trials} done (setup ${Math.round(r.setupMs)} ms)`);
    lab.push(r.summary);
  }
  const syncCommit = sc.topology.replication.mode !== 'async';
  const rows = compareRuns(sim, lab, { syncCommit });
  const calibration = calibrate(sc, sim, lab);
  let calibratedRows: LabRow[] | undefined;
  if (calibration && calibration.yaml !== '') {
    const cal = calibrated(sc, calibration);
    const again: Summary[] = [];
    for (let s = o.firstSeed; s < o.firstSeed + o.seeds; s++) again.push(simulate(cal, { seed: s, variant, contentHash }));
    calibratedRows = compareRuns(again, lab, { syncCommit });
  }
  return { sim, lab, rows, calibration, calibratedRows, agrees: rows.every((r) => !r.verdict.judged || r.verdict.ok) };
}
