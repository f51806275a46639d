// Reading back an interrupted results.jsonl (sim/sweep/store.ts).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResultsFile, ResultsAppender } from '../../sim/sweep/store.ts';

describe('results.jsonl', () => {
  const dir = mkdtempSync(join(tmpdir(), 'repsim-store-'));
  it('reads complete lines and ignores a trailing partial line', () => {
    const f = join(dir, 'a.jsonl');
    writeFileSync(f, '{"a":1}\n{"b":2}\n{"c":');
    const r = readResultsFile(f);
    expect(r.lines).toEqual(['{"a":1}', '{"b":2}']);
    expect(r.completeBytes).toBe(16);
    expect(r.partialBytes).toBe(5);
  });
  it('reads a missing file as empty', () => {
    expect(readResultsFile(join(dir, 'none.jsonl'))).toEqual({ lines: [], completeBytes: 0, partialBytes: 0 });
  });
  it('appends after truncating the partial line', () => {
    const f = join(dir, 'b.jsonl');
    writeFileSync(f, '{"a":1}\n{"c":');
    const w = new ResultsAppender(f, { truncateTo: readResultsFile(f).completeBytes });
    w.append('{"d":4}');
    w.close();
    expect(readFileSync(f, 'utf8')).toBe('{"a":1}\n{"d":4}\n');
  });
});
