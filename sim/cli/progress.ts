// Progress on stderr while a command works: a cli-progress bar with an ETA
// when stderr is a terminal; nothing at all on a pipe or a file, or when the
// command's output is machine-readable (--json). Two kinds: runs done (a
// batch, check, swarm) and simulated time (one run). Uses the real clock,
// for the ETA only.
import cliProgress from 'cli-progress';
import { formatDurationUs } from '../core/units.ts';
import type { Progress } from '../sweep/runner.ts';

/** Runs-done progress; `interrupt` clears the bar's line so a command can print a line of its own. */
export interface RunsProgress extends Progress {
  interrupt(): void;
}

const SILENT: RunsProgress = { tick() {}, stop() {}, interrupt() {} };

/** True when a bar should be drawn: stderr is a terminal and the command was not asked to be quiet. */
export function showsProgress(opts: { quiet?: boolean } = {}): boolean {
  return opts.quiet !== true && process.stderr.isTTY === true;
}

function bar(format: string): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    { format, stream: process.stderr, etaBuffer: 20, hideCursor: true, clearOnComplete: true, gracefulExit: true },
    cliProgress.Presets.shades_classic,
  );
}

/** A bar of `total` runs labelled `label`. */
export function runsProgress(total: number, label: string, opts: { quiet?: boolean } = {}): RunsProgress {
  if (!showsProgress(opts) || total === 0) return SILENT;
  const b = bar(`${label} [{bar}] {value}/{total} runs | {percentage}% | ETA {eta_formatted}`);
  b.start(total, 0);
  return {
    tick: () => b.increment(),
    stop: () => b.stop(),
    interrupt: () => process.stderr.write('\r\x1b[2K'),
  };
}

/** A bar of one run's simulated time (`durationUs` in all), fed the fraction done. */
export function simulatedProgress(durationUs: number, label: string, opts: { quiet?: boolean } = {}): { onProgress?: (fraction: number) => void; stop(): void } {
  if (!showsProgress(opts) || !(durationUs > 0)) return { stop() {} };
  const total = Math.max(1, Math.round(durationUs / 1e6));
  const of = formatDurationUs(durationUs);
  const b = bar(`${label} [{bar}] {simulated} of ${of} simulated | {percentage}% | ETA {eta_formatted}`);
  b.start(total, 0, { simulated: '0s' });
  return {
    onProgress: (fraction) => {
      const s = Math.min(total, Math.round(fraction * total));
      b.update(s, { simulated: formatDurationUs(s * 1e6) });
    },
    stop: () => b.stop(),
  };
}
