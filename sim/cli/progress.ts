// Progress of a batch of runs on stderr: a cli-progress bar with ETA when
// stderr is a terminal, else a plain line about every 5% (logs, CI).
// Uses the real clock, for the ETA only.
import cliProgress from 'cli-progress';

export interface Progress {
  tick(): void;
  stop(): void;
}

/** A progress reporter for `total` runs labelled `label`. */
export function createProgress(total: number, label: string, opts: { quiet?: boolean } = {}): Progress {
  if (opts.quiet || total === 0) return { tick() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {value}/{total} runs | {percentage}% | ETA {eta_formatted}`, stream: process.stderr, etaBuffer: 20, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return { tick: () => bar.increment(), stop: () => bar.stop() };
  }
  const started = performance.now();
  const step = Math.max(1, Math.ceil(total / 20));
  let done = 0;
  return {
    tick() {
      done++;
      if (done % step !== 0 && done !== total) return;
      const elapsedS = (performance.now() - started) / 1000;
      const etaS = (elapsedS / done) * (total - done);
      process.stderr.write(`${label}: ${done}/${total} runs (${Math.round((100 * done) / total)}%), ${elapsedS.toFixed(1)} s elapsed, ETA ${etaS.toFixed(0)} s\n`);
    },
    stop() {},
  };
}
