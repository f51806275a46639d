// The operation history: JSONL records and the Jepsen EDN export, on a tiny run.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCase } from '../../sim/case.ts';
import type { HistoryRecord } from '../../sim/measure/history.ts';
import { toJepsenEdn } from '../../sim/measure/history-format.ts';
import { cli, fixtures, tempWith } from './helpers.ts';

const file = path.join(fixtures, 'small.yaml');

describe('history', () => {
  const records: HistoryRecord[] = [];
  const withHistory = runCase({ file, variant: 'async', seed: 1 }, { history: { write: (r) => records.push(r) } });

  it('does not change the run', () => {
    expect(runCase({ file, variant: 'async', seed: 1 }).summary).toEqual(withHistory.summary);
  });

  it('records one completion per invoke, ok writes with their version', () => {
    const invokes = records.filter((r) => r.type === 'invoke');
    const done = records.filter((r) => r.type !== 'invoke');
    expect(invokes.length).toBeGreaterThan(100);
    expect(new Set(done.map((r) => r.op))).toEqual(new Set(invokes.map((r) => r.op)));
    expect(done.length).toBe(invokes.length);
    const okWrite = done.find((r) => r.type === 'ok' && r.f === 'write');
    expect(okWrite?.value).toBeGreaterThan(0);
    expect(invokes.every((r) => r.value === null)).toBe(true);
    // The partition of the primary's region makes some clients give up.
    expect(done.some((r) => r.type === 'info' || r.type === 'fail')).toBe(true);
  });

  it('exports EDN sorted by time, one op per process at a time', () => {
    const lines = toJepsenEdn(records);
    expect(lines).toHaveLength(records.length);
    const re = /^\{:index (\d+), :type :(invoke|ok|fail|info), :f :(read|write), :process (\d+), :value \[(\d+) (nil|\d+)\], :time (\d+), :region "\w+"(, :node "\w+")?\}$/;
    let lastTime = -1;
    const busy = new Set<string>();
    lines.forEach((l, i) => {
      const m = re.exec(l);
      expect(m, l).not.toBeNull();
      const [, index, type, , proc, , , time] = m as unknown as string[];
      expect(Number(index)).toBe(i);
      expect(Number(time)).toBeGreaterThanOrEqual(lastTime);
      lastTime = Number(time);
      if (type === 'invoke') {
        expect(busy.has(proc as string), `process ${proc} has two ops in flight`).toBe(false);
        busy.add(proc as string);
      } else busy.delete(proc as string);
    });
  });

  it('run --history writes JSONL, and --history-format jepsen writes EDN', async () => {
    const dir = tempWith('small.yaml');
    const f = path.join(dir, 'small.yaml');
    expect((await cli(['run', f, '--variant', 'async', '--seed', '1', '--history', path.join(dir, 'h.jsonl')])).code).toBe(0);
    const jsonl = readFileSync(path.join(dir, 'h.jsonl'), 'utf8').trim().split('\n');
    expect(jsonl.map((l) => JSON.parse(l) as HistoryRecord)).toEqual(records);
    expect((await cli(['run', f, '--variant', 'async', '--seed', '1', '--history', path.join(dir, 'h.edn'), '--history-format', 'jepsen'])).code).toBe(0);
    expect(readFileSync(path.join(dir, 'h.edn'), 'utf8').trim().split('\n')).toEqual(toJepsenEdn(records));
  });
});
