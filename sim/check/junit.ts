// JUnit XML for CI: one <testsuite> per scenario, one <testcase> per
// scenario × variant × seed (classname = scenario, name = `variant seed N`).
// A failed or NEW case is a <failure>, bad input an <error>.
import { caseName, type CaseOutcome } from './outcome.ts';

export function toJunit(outcomes: readonly CaseOutcome[]): string {
  const suites = new Map<string, CaseOutcome[]>();
  for (const o of outcomes) {
    const list = suites.get(o.scenario) ?? [];
    list.push(o);
    suites.set(o.scenario, list);
  }
  const count = (l: readonly CaseOutcome[], ...s: string[]) => l.filter((o) => s.includes(o.status)).length;
  const total = (l: readonly CaseOutcome[]) => l.reduce((a, o) => a + o.seconds, 0).toFixed(3);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="repsim check" tests="${outcomes.length}" failures="${count(outcomes, 'fail', 'new')}" errors="${count(outcomes, 'error')}" time="${total(outcomes)}">`);
  for (const [name, list] of suites) {
    out.push(`  <testsuite name="${esc(name)}" tests="${list.length}" failures="${count(list, 'fail', 'new')}" errors="${count(list, 'error')}" time="${total(list)}">`);
    for (const o of list) {
      const open = `    <testcase classname="${esc(o.scenario)}" name="${esc(caseName(o))}" time="${o.seconds.toFixed(3)}"`;
      const body = o.messages.join('\n');
      const first = o.messages[0] ?? o.status;
      if (o.status === 'fail' || o.status === 'new') {
        out.push(`${open}>`, `      <failure message="${esc(first)}" type="${o.status === 'new' ? 'NewBaseline' : 'CheckFailure'}">${esc(body)}</failure>`, '    </testcase>');
      } else if (o.status === 'error') {
        out.push(`${open}>`, `      <error message="${esc(first)}" type="InputError">${esc(body)}</error>`, '    </testcase>');
      } else {
        out.push(`${open}/>`);
      }
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

function esc(s: string): string {
  // XML 1.0 forbids most control characters even when escaped.
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
