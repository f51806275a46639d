import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addFault, readFaults, readField, readRegions, readVariantNames, removeFault, writeField } from '../../sim/play/client/yaml-edit.ts';

const text = readFileSync(join(import.meta.dirname, '..', '..', 'scenarios', 'primary-region-partition.yaml'), 'utf8');
const changedLines = (a: string, b: string) => {
  const x = a.split('\n');
  const y = b.split('\n');
  return y.filter((l, i) => l !== x[i]);
};

describe('editing fields of the YAML text', () => {
  it('replaces a value in place, leaving every other byte as written', () => {
    expect(writeField(text, ['failover', 'dnsTtl'], '30s')).toBe(text);
    const t = writeField(text, ['failover', 'dnsTtl'], '5s') as string;
    expect(changedLines(text, t)).toEqual(['  dnsTtl: 5s']);
    const r = writeField(text, ['workload', 'regions', 'eu-west-1', 'writes'], '300/s') as string;
    expect(changedLines(text, r)).toEqual(['    eu-west-1:      { writes: 300/s, reads: 1500/s }']);
    expect(readField(r, ['workload', 'regions', 'eu-west-1', 'writes'])).toBe('300/s');
    // A string YAML would read as something else is quoted.
    expect(readField(writeField(text, ['failover', 'dnsTtl'], 'a: b') as string, ['failover', 'dnsTtl'])).toBe('a: b');
  });

  it('adds and removes keys through the document model', () => {
    const t = writeField(text, ['failover', 'dnsTtl'], undefined) as string;
    expect(readField(t, ['failover', 'dnsTtl'])).toBeUndefined();
    expect(readField(t, ['failover', 'fencing'])).toBe('stonith');
    const n = writeField(text, ['topology', 'consensus', 'answerFrom'], 'local') as string;
    expect(readField(n, ['topology', 'consensus', 'answerFrom'])).toBe('local');
    expect(writeField('a: [', ['a'], 1)).toBeUndefined();
  });

  it('adds a fault as one line after the last and removes one by its lines', () => {
    const added = addFault(text, { at: '3m', for: '10s', crash: { region: 'eu-west-1' } }) as string;
    expect(changedLines(text, added)[0]).toBe('  - { at: 3m, for: 10s, crash: { region: eu-west-1 } }');
    expect(readFaults(added).map((f) => f.at)).toEqual(['2m', '6m', '3m']);
    const removed = removeFault(added, 0) as string;
    expect(readFaults(removed).map((f) => f.at)).toEqual(['6m', '3m']);
    expect(removed).not.toContain('isolate: us-east-1');
    expect(removed.split('\n').length).toBe(added.split('\n').length - 3);
    const none = addFault('name: x\n', { at: '1s', pause: { region: 'a' } }) as string;
    expect(readFaults(none)).toEqual([{ at: '1s', pause: { region: 'a' } }]);
  });

  it('reads regions and variant names', () => {
    expect(readRegions(text)).toEqual(['us-east-1', 'eu-west-1', 'ap-southeast-1']);
    expect(readVariantNames(text)).toEqual(['async-stonith', 'async-no-fencing', 'semi-sync-stonith', 'active-active-hlc']);
  });
});
