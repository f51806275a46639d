import { describe, expect, it } from 'vitest';
import { decodeFragment, encodeFragment } from '../../sim/play/client/share.ts';

describe('the scenario in the URL fragment', () => {
  it('round-trips the text and its label, compressed', async () => {
    const text = `name: x\n${'regions:\n  - id: us-east-1 # ünïcode\n'.repeat(50)}`;
    const f = await encodeFragment('scenarios/x.yaml', text);
    expect(f).toMatch(/^y=[A-Za-z0-9_-]+$/);
    expect(f.length).toBeLessThan(text.length / 3);
    expect(await decodeFragment(`#${f}`)).toEqual({ kind: 'text', label: 'scenarios/x.yaml', text });
  });

  it('names a bundled scenario, nothing, or says a link is damaged', async () => {
    expect(await decodeFragment('#s=primary-region-partition')).toEqual({ kind: 'bundled', name: 'primary-region-partition' });
    expect(await decodeFragment('')).toEqual({ kind: 'none' });
    const f = await encodeFragment('a.yaml', 'name: a\n');
    await expect(decodeFragment(`#${f.slice(0, -4)}`)).rejects.toThrow(/damaged/);
  });
});
