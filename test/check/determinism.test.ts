// --check-determinism: two runs in worker threads hash the same trace; a
// planted divergence is located to the exact event.
import { describe, expect, it } from 'vitest';
import { checkDeterminism } from '../../sim/check/determinism.ts';
import { cli, specExample } from './helpers.ts';

// The example's 30 s warmup must be shorter than the run, so it is shortened too.
const spec = { file: specExample, sets: ['duration=20s', 'warmup=5s'] };

describe('determinism check', () => {
  it('passes on the example scenario (run --check-determinism)', async () => {
    const r = await cli(['run', specExample, '--set', 'duration=20s', '--set', 'warmup=5s', '--check-determinism', '--json']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/determinism: ok \(\d+ trace events, sha256 [0-9a-f]{16}\)/);
  }, 30_000);

  it('names the first diverging event and both versions of it', async () => {
    const ok = await checkDeterminism(spec);
    expect(ok.ok).toBe(true);
    expect(ok.events).toBeGreaterThan(1000);
    const at = Math.floor(ok.events / 2);
    const bad = await checkDeterminism(spec, { perturbSecond: at });
    expect(bad.ok).toBe(false);
    expect(bad.report.join('\n')).toContain(`first diverging event: #${at}`);
    expect(bad.report.some((l) => l.includes('"perturbed":true'))).toBe(true);
  }, 60_000);
});
