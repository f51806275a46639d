// Everything the lab starts is removed when it stops: on a normal end, on an
// error, on Ctrl-C / SIGTERM (in process), and — through a small watchdog
// process — even when the lab itself is killed with SIGKILL. The watchdog
// polls the lab's pid; when it is gone it kills every postmaster whose data
// directory is under the lab's root (children first, by parent pid) and
// every etcd member whose `etcd.pid` is there (etcd.ts), and removes the
// root.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The watchdog: waits for the lab's pid to vanish, then kills what is left under ROOT and removes it. */
const WATCHDOG = `
lab=$1; root=$2
while kill -0 "$lab" 2>/dev/null; do sleep 0.3; done
for f in "$root"/*/postmaster.pid; do
  [ -f "$f" ] || continue
  pid=$(head -n 1 "$f")
  case "$pid" in ''|*[!0-9]*) continue;; esac
  pkill -KILL -P "$pid" 2>/dev/null
  kill -KILL "$pid" 2>/dev/null
done
for f in "$root"/*/etcd.pid; do
  [ -f "$f" ] || continue
  pid=$(head -n 1 "$f")
  case "$pid" in ''|*[!0-9]*) continue;; esac
  kill -CONT "$pid" 2>/dev/null
  kill -KILL "$pid" 2>/dev/null
done
sleep 0.5
rm -rf "$root"
`;

export interface LabRoot {
  /** Temporary directory holding every data directory, socket and log. */
  dir: string;
  /** Registers a cleanup step (run in reverse order, each at most once). */
  onCleanup(step: () => Promise<void> | void): void;
  /** Runs every cleanup step and removes the directory. Safe to call twice. */
  cleanup(): Promise<void>;
}

/** Creates the lab's temporary root, its watchdog, and the signal handlers. */
export function createLabRoot(opts: { keep?: boolean } = {}): LabRoot {
  const dir = mkdtempSync(join(tmpdir(), 'repsim-lab-'));
  const steps: Array<() => Promise<void> | void> = [];
  let done: Promise<void> | undefined;
  const watchdog = opts.keep ? undefined : spawn('sh', ['-c', WATCHDOG, 'repsim-lab-watchdog', String(process.pid), dir], { detached: true, stdio: 'ignore' });
  watchdog?.unref();
  const cleanup = (): Promise<void> => {
    done ??= (async () => {
      for (const s of steps.reverse()) {
        try {
          await s();
        } catch {
          /* keep cleaning */
        }
      }
      if (!opts.keep) rmSync(dir, { recursive: true, force: true });
    })();
    return done;
  };
  const onSignal = (sig: NodeJS.Signals) => {
    process.stderr.write(`\nlab: ${sig}: stopping the lab's processes and removing ${dir}\n`);
    void cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    dir,
    onCleanup: (s) => steps.push(s),
    cleanup: async () => {
      await cleanup();
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    },
  };
}
