// The lab's nemesis without PostgreSQL: the scenario's faults become the
// cluster's verbs at their times and are reverted after `for` (a recording
// double stands in for the proxies and processes; times are short real
// times). Partition isolate = cut every other region both ways, then heal;
// one-way = hold one direction; outage = links cut and the node killed in
// the same tick, clients dark, restart after; pause = SIGSTOP then SIGCONT.
import { describe, expect, it } from 'vitest';
import { LabNemesis, type NemesisTarget } from '../../sim/lab/faults.ts';
import { loadScenarioFromText } from '../../sim/scenario/loader.ts';
import { performance } from 'node:perf_hooks';

function recorder(ids: string[]): { target: NemesisTarget; log: string[] } {
  const log: string[] = [];
  const node = (r: number) => ({
    kill: async () => void log.push(`kill ${ids[r]}`),
    pause: () => void log.push(`pause ${ids[r]}`),
    resume: () => void log.push(`resume ${ids[r]}`),
  });
  return {
    log,
    target: {
      ids,
      cut: (a: number, b: number) => void log.push(`cut ${ids[a]}-${ids[b]}`),
      heal: (a: number, b: number) => void log.push(`heal ${ids[a]}-${ids[b]}`),
      blockOneWay: (a: number, b: number) => void log.push(`block ${ids[a]}->${ids[b]}`),
      unblockOneWay: (a: number, b: number) => void log.push(`unblock ${ids[a]}->${ids[b]}`),
      slow: (a: number, b: number, f: number) => void log.push(`slow ${ids[a]}-${ids[b]} x${f}`),
      nodes: ids.map((_, r) => node(r)),
    },
  };
}

const scenario = (faults: string) =>
  loadScenarioFromText(`name: f\nregions: [{ id: a }, { id: b }, { id: c }]\nnetwork: { rtt: { a: { b: 70ms, c: 70ms }, b: { c: 70ms } } }\nfaults:\n${faults}`, 'f.yaml').scenario;

async function run(faults: string, midMs: number, untilMs: number) {
  const sc = scenario(faults);
  const { target, log } = recorder(['a', 'b', 'c']);
  const dark = [false, false, false];
  const restarted: string[] = [];
  const t0 = performance.now();
  const nemesis = new LabNemesis(target, { dark, restart: async (r) => void restarted.push(['a', 'b', 'c'][r] as string), touched: () => undefined, log: () => undefined }, () => (performance.now() - t0) * 1000);
  nemesis.schedule(sc.faults, 10e6);
  const snapshots: Array<{ log: string[]; dark: boolean[] }> = [];
  await new Promise((r) => setTimeout(r, midMs));
  snapshots.push({ log: [...log], dark: [...dark] });
  await new Promise((r) => setTimeout(r, untilMs - midMs));
  await nemesis.stop();
  return { log, dark, restarted, mid: snapshots[0] as { log: string[]; dark: boolean[] }, windows: nemesis.windows };
}

describe('LabNemesis', () => {
  it('isolate cuts every other region both ways at `at` and heals after `for`', async () => {
    const r = await run('  - { at: 20ms, partition: { isolate: a }, for: 500ms }\n', 150, 800);
    expect(r.mid.log).toEqual(['cut a-b', 'cut a-c']);
    expect(r.log).toEqual(['cut a-b', 'cut a-c', 'heal a-b', 'heal a-c']);
    expect(r.windows.map((w) => w.label)).toEqual(['partition a']);
  });

  it('a one-way partition holds one direction only', async () => {
    const r = await run('  - { at: 10ms, partition: { from: a, to: b }, for: 40ms }\n', 25, 300);
    expect(r.log).toEqual(['block a->b', 'unblock a->b']);
  });

  it('an outage cuts the region and kills its node in the same tick, darkens its clients, and restarts it after', async () => {
    const r = await run('  - { at: 20ms, outage: { region: b }, for: 500ms }\n', 150, 800);
    expect(r.mid.log).toEqual(['cut b-a', 'cut b-c', 'kill b']);
    expect(r.mid.dark).toEqual([false, true, false]);
    expect(r.dark).toEqual([false, false, false]);
    expect(r.restarted).toEqual(['b']);
  });

  it('a crash kills the node with its links up; a pause stops and continues it; a slow link multiplies and resets', async () => {
    const r = await run('  - { at: 10ms, crash: { region: a }, for: 40ms }\n  - { at: 10ms, pause: { region: c }, for: 40ms }\n  - { at: 10ms, slowLink: { between: [a, b], factor: 3 }, for: 40ms }\n', 25, 300);
    expect(r.log).toEqual(['kill a', 'pause c', 'slow a-b x3', 'resume c', 'slow a-b x1']);
    expect(r.restarted).toEqual(['a']);
  });
});
