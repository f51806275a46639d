// HLC properties (Kulkarni et al. 2014) over random schedules of local, send
// and receive events across 3 nodes whose clocks are skewed and drift:
// happened-before ⇒ hlc(e) < hlc(f); l ≥ pt; l − pt ≤ ε (max skew so far).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WallClock } from '../../sim/world/clock.ts';
import { Hlc, compareHlc } from '../../sim/world/hlc.ts';

type Step = { kind: 'local' | 'send' | 'recv'; node: number; to: number; dtUs: number; pick: number };

const step = fc.record({
  kind: fc.constantFrom('local' as const, 'send' as const, 'recv' as const),
  node: fc.integer({ min: 0, max: 2 }),
  to: fc.integer({ min: 0, max: 2 }),
  dtUs: fc.integer({ min: 0, max: 2000 }),
  pick: fc.nat(),
});

interface Ev { l: number; c: number; vc: number[] }

describe('HLC', () => {
  it('happened-before implies smaller timestamp; l ≥ pt; l − pt ≤ ε', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -500_000, max: 500_000 }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.integer({ min: -200, max: 200 }), { minLength: 3, maxLength: 3 }),
        fc.array(step, { minLength: 1, maxLength: 300 }),
        (offsets, drifts, steps) => {
          const clocks = offsets.map((o, i) => new WallClock(o, drifts[i] as number));
          const hlcs = clocks.map((c) => new Hlc(c));
          const vcs = [0, 1, 2].map(() => [0, 0, 0]);
          const inFlight: Array<{ to: number; l: number; c: number; vc: number[] }> = [];
          const events: Ev[] = [];
          let t = 1_000_000;
          for (const s of steps) {
            t += s.dtUs;
            const h = hlcs[s.node] as Hlc;
            const vc = vcs[s.node] as number[];
            if (s.kind === 'recv') {
              const mine = inFlight.filter((m) => m.to === s.node);
              if (mine.length === 0) continue;
              const m = mine[s.pick % mine.length] as (typeof mine)[number];
              inFlight.splice(inFlight.indexOf(m), 1);
              h.receive(t, m.l, m.c);
              for (let k = 0; k < 3; k++) vc[k] = Math.max(vc[k] as number, m.vc[k] as number);
            } else {
              h.tick(t);
            }
            vc[s.node]!++;
            const ev = { l: h.l, c: h.c, vc: vc.slice() };
            events.push(ev);
            if (s.kind === 'send' && s.to !== s.node) inFlight.push({ to: s.to, l: h.l, c: h.c, vc: ev.vc });
            // l ≥ pt and l − pt ≤ ε, ε = the largest gap between two clocks' readings so far.
            const pt = (clocks[s.node] as WallClock).readUs(t);
            const readings = clocks.map((c) => c.readUs(t));
            const eps = Math.max(...readings) - Math.min(...readings);
            expect(h.l).toBeGreaterThanOrEqual(pt);
            expect(h.l - pt).toBeLessThanOrEqual(eps + 1);
          }
          // happened-before (vector clocks) ⇒ hlc order
          for (let i = 0; i < events.length; i++)
            for (let j = 0; j < events.length; j++) {
              if (i === j) continue;
              const e = events[i] as Ev;
              const f = events[j] as Ev;
              const hb = e.vc.every((x, k) => x <= (f.vc[k] as number)) && e.vc.some((x, k) => x < (f.vc[k] as number));
              if (hb) expect(compareHlc(e.l, e.c, f.l, f.c)).toBeLessThan(0);
            }
        },
      ),
      { numRuns: 150 },
    );
  });
});
