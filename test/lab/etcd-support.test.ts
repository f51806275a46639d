// What the etcd lab refuses, each with a located message, before anything
// starts (the CLI exits 2): reads etcd has no counterpart for, leases,
// check-quorum off, per-table placement, other than one member per region,
// more learners than etcd 3.4 takes, more members than the lab starts,
// election timeouts etcd itself refuses. What it builds: a learner for a
// region with one non-voter, every fault kind the lab has (slow links too).
import { describe, expect, it } from 'vitest';
import { loadScenarioFromText } from '../../sim/scenario/loader.ts';
import { labProblems } from '../../sim/lab/support.ts';
import { findEtcd } from '../../sim/lab/etcd-config.ts';

const BASE = `
name: etcd-refusals
duration: 30s
regions: [{id: a}, {id: b}, {id: c}]
network:
  rtt: {a: {b: 70ms, c: 150ms}, b: {c: 160ms}}
topology:
  kind: consensus
  consensus: {leader: a, leaderPlacement: initial, heartbeatInterval: 100ms, electionTimeout: 1s, leaseDuration: 0s, reads: read-index, answerFrom: local}
workload:
  regions: {a: {writes: 10/s}}
`;

function problems(sets: string[] = []): string[] {
  const sc = loadScenarioFromText(BASE, 'etcd-refusals.yaml', { sets }).scenario;
  return labProblems(sc).map((p) => `${p.path.join('.')}: ${p.message}`);
}

describe('etcd lab refusals', () => {
  it('the reference shape is buildable', () => {
    expect(problems()).toEqual([]);
  });

  it.each([
    ['topology.consensus.reads=leaseholder', 'topology.consensus.reads', 'ReadIndex'],
    ['topology.consensus.reads=follower', 'topology.consensus.reads', 'ReadIndex'],
    ['topology.consensus.leaseDuration=6s', 'topology.consensus.leaseDuration', 'no leader leases'],
    ['topology.consensus.checkQuorum=false', 'topology.consensus.checkQuorum', 'always runs check-quorum'],
    ['topology.consensus.answerFrom=leader', 'topology.consensus.answerFrom', 'answerFrom: local'],
    ['topology.consensus.leaderPlacement=preferred', 'topology.consensus.leaderPlacement', 'no leader preference'],
    ['topology.consensus.electionTimeout=300ms', 'topology.consensus.electionTimeout', '5 × the heartbeat'],
  ])('%s is refused at %s', (set, path, words) => {
    const ps = problems([set]);
    expect(ps.length).toBe(1);
    expect(ps[0]).toContain(`${path}: the lab cannot build this`);
    expect(ps[0]).toContain(words);
  });

  it('per-table placement and other than one member per region are refused, each located at its region', () => {
    expect(problems(['topology.consensus.nonVoters.b=1'])).toEqual(['topology.consensus.nonVoters.b: the lab cannot build this: b has 1 voter and 1 non-voter; the lab builds exactly one etcd member per region (a voter, or a learner for one non-voter and no voter)']);
    expect(problems(['topology.consensus.voters.a=2', 'topology.consensus.voters.b=1', 'topology.consensus.voters.c=1'])).toEqual(['topology.consensus.voters.a: the lab cannot build this: a has 2 voters and 0 non-voters; the lab builds exactly one etcd member per region (a voter, or a learner for one non-voter and no voter)']);
    const sc = loadScenarioFromText(BASE.replace('answerFrom: local}', 'answerFrom: local, tables: {data: {locality: regional-by-table}}}').replace('workload:\n', 'workload:\n  tables: [{name: data, share: 1}]\n'), 'x.yaml').scenario;
    expect(labProblems(sc).map((p) => p.path.join('.'))).toContain('topology.consensus.tables');
  });

  it('a region with one non-voter and no voter is built as a learner; a second learner is refused (etcd 3.4 takes one)', () => {
    expect(problems(['topology.consensus.voters.a=1', 'topology.consensus.voters.b=1', 'topology.consensus.nonVoters.c=1'])).toEqual([]);
    const four = BASE.replace('regions: [{id: a}, {id: b}, {id: c}]', 'regions: [{id: a}, {id: b}, {id: c}, {id: d}]')
      .replace('rtt: {a: {b: 70ms, c: 150ms}, b: {c: 160ms}}', 'rtt: {a: {b: 70ms, c: 150ms, d: 10ms}, b: {c: 160ms, d: 10ms}, c: {d: 10ms}}');
    const ps = labProblems(loadScenarioFromText(four, 'x.yaml', { sets: ['topology.consensus.voters.a=1', 'topology.consensus.voters.b=1', 'topology.consensus.nonVoters.c=1', 'topology.consensus.nonVoters.d=1'] }).scenario);
    expect(ps.map((p) => `${p.path.join('.')}: ${p.message}`)).toEqual(['topology.consensus.nonVoters.d: the lab cannot build this: etcd 3.4 takes at most 1 learner (non-voter) per cluster']);
  });

  it('every fault kind the lab has is built, slow links included', () => {
    const text = BASE + 'faults:\n  - {at: 5s, for: 2s, slowLink: {between: [a, b], factor: 3}}\n  - {at: 8s, for: 2s, pause: {region: b}}\n  - {at: 11s, for: 2s, partition: {from: a, to: c}}\n  - {at: 14s, for: 2s, outage: {region: c}}\n  - {at: 17s, for: 2s, crash: {region: a}}\n';
    expect(labProblems(loadScenarioFromText(text, 'x.yaml').scenario)).toEqual([]);
  });

  it('more members than the lab starts', () => {
    const ids = Array.from({ length: 8 }, (_, i) => `r${i}`);
    const rtt = ids.map((a, i) => `${a}: {${ids.slice(i + 1).map((b) => `${b}: 10ms`).join(', ')}}`).join(', ');
    const text = BASE.replace('regions: [{id: a}, {id: b}, {id: c}]', `regions: [${ids.map((x) => `{id: ${x}}`).join(', ')}]`)
      .replace('rtt: {a: {b: 70ms, c: 150ms}, b: {c: 160ms}}', `rtt: {${rtt}}`).replace('leader: a, ', '').replace('{a: {writes: 10/s}}', '{r0: {writes: 10/s}}');
    const ps = labProblems(loadScenarioFromText(text, 'x.yaml').scenario);
    expect(ps.map((p) => p.message).join('\n')).toContain('at most 7 etcd members');
  });

  it('every etcd reference case in scenarios/lab is buildable', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = new URL('../../scenarios/lab/', import.meta.url).pathname;
    const cases = readdirSync(dir).filter((f) => /^etcd-.*\.yaml$/.test(f));
    expect(cases.length).toBeGreaterThanOrEqual(5);
    for (const f of cases) expect(labProblems(loadScenarioFromText(readFileSync(dir + f, 'utf8'), f).scenario), f).toEqual([]);
  });

  it('a missing etcd names the Debian package', () => {
    expect(findEtcd(['/nonexistent/bin/etcd'])).toContain('install the Debian package etcd-server');
  });
});

describe('repsim lab on a consensus scenario it cannot build', () => {
  it('exits 2 with located lines before anything starts', async () => {
    const { spawnSync } = await import('node:child_process');
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'etcd-refuse-'));
    const file = join(dir, 'refused.yaml');
    writeFileSync(file, BASE.replace('reads: read-index', 'reads: leaseholder').replace('leaseDuration: 0s', 'leaseDuration: 6s'));
    const root = new URL('../..', import.meta.url).pathname;
    const r = spawnSync(process.execPath, [join(root, 'bin/repsim.js'), 'lab', file, '--seeds', '1'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    rmSync(dir, { recursive: true, force: true });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/refused\.yaml:\d+:\d+: topology\.consensus\.reads: the lab cannot build this: "leaseholder" reads/);
    expect(r.stderr).toMatch(/refused\.yaml:\d+:\d+: topology\.consensus\.leaseDuration: the lab cannot build this/);
    expect(r.stderr).not.toContain('cluster up');
  }, 60_000);
});
