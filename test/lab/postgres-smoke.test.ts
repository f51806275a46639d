// The lab against real PostgreSQL: a smoke run of scenarios/lab/smoke.yaml
// with fixed, generous tolerances on medians and counts only (the machine
// may be busy), and the cleanup guarantee — killing `repsim lab` at any
// point leaves no postgres process and no data directory behind.
// Needs PostgreSQL ≥ 14 and takes about a minute: it runs only when
// REPSIM_LAB_SMOKE=1 (as `.ci/run` sets it), and is skipped in `npm test`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const smoke = join(root, 'scenarios/lab/smoke.yaml');
const enabled = process.env.REPSIM_LAB_SMOKE === '1';

/** Pids of postgres processes started on a data directory under `dir`, and of their children. */
function postgresUnder(dir: string): number[] {
  const out: number[] = [];
  const parents = new Set<number>();
  const all: Array<{ pid: number; ppid: number }> = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readFileSync(`/proc/${e}/comm`, 'utf8').trim() !== 'postgres') continue;
      const cmd = readFileSync(`/proc/${e}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      all.push({ pid: Number(e), ppid });
      if (cmd.includes(dir)) {
        out.push(Number(e));
        parents.add(Number(e));
      }
    } catch {
      /* gone */
    }
  }
  for (const p of all) if (parents.has(p.ppid)) out.push(p.pid);
  return out;
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return cond();
}

interface Row { metric: string; simulated: { mean: number | null }; measured: number[] }

describe.skipIf(!enabled)('repsim lab against PostgreSQL', () => {
  it('smoke: lag p50 near the simulated one, stale reads judged, nothing left behind', () => {
    const r = spawnSync(process.execPath, [join(root, 'bin/repsim.js'), 'lab', smoke, '--seeds', '3', '--json'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect([0, 1], r.stderr).toContain(r.status);
    const out = JSON.parse(r.stdout) as { rows: Row[] };
    const row = (id: string) => out.rows.find((x) => x.metric === id) as Row;
    const lag = row('lagP50:us-east-1->eu-west-1');
    // The simulated lag is 35 ms (one way) + 0.1 ms apply. The standby streams through the proxy, so the
    // real lag cannot be much below it; a busy machine adds scheduling delays (up to ~30 ms seen with a
    // load average of 20 on 2 cores). Generous: from −5 ms to +40 ms.
    const d = (lag.measured[0] as number) - (lag.simulated.mean as number);
    expect(d).toBeGreaterThan(-5);
    expect(d).toBeLessThan(40);
    expect(row('staleFraction').measured[0]).toBeGreaterThan(0);
    const dir = /cluster up in (\S+)/.exec(r.stderr)?.[1] as string;
    expect(dir).toBeTruthy();
    expect(existsSync(dir)).toBe(false);
    expect(postgresUnder(dir)).toEqual([]);
  }, 150_000);

  for (const sig of ['SIGINT', 'SIGKILL'] as const) {
    it(`${sig} to repsim lab mid-run leaves no postgres process and no data directory`, async () => {
      const child = spawn(process.execPath, [join(root, 'bin/repsim.js'), 'lab', smoke, '--seeds', '1'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      expect(await waitFor(() => /cluster up in (\S+)/.test(err), 60_000), err).toBe(true);
      const dir = /cluster up in (\S+)/.exec(err)?.[1] as string;
      await new Promise((r) => setTimeout(r, 2000)); // the workload is running
      expect(postgresUnder(dir).length).toBeGreaterThan(0);
      child.kill(sig);
      // In-process cleanup (SIGINT) or the watchdog (SIGKILL).
      expect(await waitFor(() => !existsSync(dir) && postgresUnder(dir).length === 0, 20_000), `left behind under ${dir}: ${postgresUnder(dir).join(' ')}`).toBe(true);
    }, 90_000);
  }
});
