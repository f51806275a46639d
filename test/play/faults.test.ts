import { describe, expect, it } from 'vitest';
import { draggedAt, faultLabel, newFault, timelineHtml } from '../../sim/play/client/faults.ts';

describe('the fault timeline', () => {
  it('moves a fault by the dragged share of the run, in whole seconds, within the run', () => {
    // 600 s over 600 px: 1 px is 1 s.
    expect(draggedAt(120e6, 30, 600, 600e6)).toBe('150s');
    expect(draggedAt(120e6, -500, 600, 600e6)).toBe('0s');
    expect(draggedAt(120e6, 900, 600, 600e6)).toBe('600s');
  });

  it('places each fault as a bar at its share of the duration', () => {
    const html = timelineHtml('duration: 10m\nfaults:\n  - { at: 2m, for: 1m, crash: { region: a } }\n  - { at: 9m, pause: { region: b } }\n', '10m');
    expect(html).toContain('style="left:20.000%;width:10.000%"');
    // No `for`: until the end of the run.
    expect(html).toContain('style="left:90.000%;width:10.000%"');
    expect(html.match(/data-remove-fault=/g)).toHaveLength(2);
    // One that starts after the run ends sits greyed at the right edge.
    const late = timelineHtml('faults:\n  - { at: 12m, crash: { region: a } }\n', '10m');
    expect(late).toContain('class="fault after" data-fault="0" style="left:88.000%;width:12.000%"');
    expect(late).toContain('it will not fire');
  });

  it('starts a new fault with its kind\'s fields', () => {
    expect(newFault('slowLink', ['a', 'b'], '1m', '30s')).toEqual({ at: '1m', for: '30s', slowLink: { between: ['a', 'b'], factor: 5 } });
    expect(newFault('outage', ['a'], '1m', '')).toEqual({ at: '1m', outage: { region: 'a' } });
    expect(newFault('random', ['a'], '1m', '')).toBeUndefined();
    expect(faultLabel({ at: '1m', slowLink: { between: ['a', 'b'], factor: 5 } })).toBe('slowLink a–b 5');
  });
});
