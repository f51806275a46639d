// The lab against a real etcd cluster: a smoke run of
// scenarios/lab/etcd-smoke.yaml (two voters and a learner) with generous
// tolerances (the machine may be busy), its --out written for `repsim
// report`, and the cleanup guarantee — SIGINT or SIGKILL of `repsim lab` mid-run
// leaves no etcd process and no data directory behind (the proxies live in
// the lab's own process). Needs etcd (Debian etcd-server) and takes about a
// minute: runs only when REPSIM_LAB_SMOKE=1 (as `.ci/run` sets it, having
// installed etcd-server) and etcd is there; skipped in `npm test`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const smoke = join(root, 'scenarios/lab/etcd-smoke.yaml');
const enabled = process.env.REPSIM_LAB_SMOKE === '1' && existsSync('/usr/bin/etcd');

/** Pids of etcd processes whose command line names a path under `dir`. */
function etcdUnder(dir: string): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readFileSync(`/proc/${e}/comm`, 'utf8').trim() !== 'etcd') continue;
      if (readFileSync(`/proc/${e}/cmdline`, 'utf8').replace(/\0/g, ' ').includes(dir)) out.push(Number(e));
    } catch {
      /* gone */
    }
  }
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

describe.skipIf(!enabled)('repsim lab against etcd', () => {
  it('smoke: write p50 per region near the simulated one, the learner serves c\'s reads, no leader change, --out for the report, nothing left behind', () => {
    const outDir = mkdtempSync(join(tmpdir(), 'etcd-smoke-out-'));
    const r = spawnSync(process.execPath, [join(root, 'bin/repsim.js'), 'lab', smoke, '--seeds', '2', '--json', '--out', outDir], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect([0, 1], r.stderr).toContain(r.status);
    expect(r.stderr).toMatch(/etcd learner m2 \(c\) joined/);
    const out = JSON.parse(r.stdout) as { rows: Row[] };
    const row = (id: string) => out.rows.find((x) => x.metric === id) as Row;
    // c's serializable ranges are answered by its own learner (simulated 1 ms: the intra-region round
    // trip), not by a voter 150 ms away.
    expect(row('readP50:c').measured[0]).toBeLessThan(40);
    expect(row('staleReads:read-index').measured[0]).toBe(0);
    // Both kinds of runs in results.jsonl, drawn together by the report.
    const variants = readFileSync(join(outDir, 'results.jsonl'), 'utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as { variant: string }).variant);
    expect(variants).toEqual(['base', 'base', 'base@lab']);
    expect(readFileSync(join(outDir, 'index.html'), 'utf8')).toContain('base@lab');
    rmSync(outDir, { recursive: true, force: true });
    // Simulated 70.5 ms (a, the leader's region) and 141 ms (b); the real run adds fsync and the proxies' and
    // the event loop's overhead (about 10–15 ms seen on this kind of machine). Generous: −5 ms to +50 ms.
    for (const id of ['a', 'b']) {
      const p = row(`writeP50:${id}`);
      const d = (p.measured[0] as number) - (p.simulated.mean as number);
      expect(d, id).toBeGreaterThan(-5);
      expect(d, id).toBeLessThan(50);
    }
    expect(row('leaderChanges').measured[0]).toBe(0);
    const dir = /cluster up in (\S+)/.exec(r.stderr)?.[1] as string;
    expect(dir).toBeTruthy();
    expect(existsSync(dir)).toBe(false);
    expect(etcdUnder(dir)).toEqual([]);
  }, 150_000);

  for (const sig of ['SIGINT', 'SIGKILL'] as const) {
    it(`${sig} to repsim lab mid-run leaves no etcd process and no data directory`, async () => {
      const child = spawn(process.execPath, [join(root, 'bin/repsim.js'), 'lab', smoke, '--seeds', '1'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      expect(await waitFor(() => /cluster up in (\S+)/.test(err), 60_000), err).toBe(true);
      const dir = /cluster up in (\S+)/.exec(err)?.[1] as string;
      await new Promise((r) => setTimeout(r, 2000)); // the workload is running
      expect(etcdUnder(dir).length).toBe(3);
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill(sig);
      await exited;
      // In-process cleanup (SIGINT) or the watchdog (SIGKILL); the proxies died with the process.
      expect(await waitFor(() => !existsSync(dir) && etcdUnder(dir).length === 0, 20_000), `left behind under ${dir}: ${etcdUnder(dir).join(' ')}`).toBe(true);
    }, 90_000);
  }
});
