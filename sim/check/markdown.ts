// A Markdown summary of a check for CI job pages (e.g. $GITHUB_STEP_SUMMARY):
// a totals line, then one table row per scenario × variant × seed.
import { type CaseOutcome } from './outcome.ts';

const ICON: Record<CaseOutcome['status'], string> = {
  pass: '✅ pass', fail: '❌ fail', new: '🆕 NEW', updated: '📝 updated', error: '⛔ error',
};

export function toMarkdown(outcomes: readonly CaseOutcome[]): string {
  const by = (s: CaseOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  const lines = [
    '## repsim check',
    '',
    `${outcomes.length} runs: ${by('pass')} passed, ${by('fail')} failed, ${by('new')} new, ${by('updated')} updated, ${by('error')} errors.`,
    '',
    '| scenario | variant | seed | result | details |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const o of outcomes) {
    const details = o.messages.slice(0, 5).map(cell).join('<br>') + (o.messages.length > 5 ? `<br>… ${o.messages.length - 5} more` : '');
    lines.push(`| ${cell(o.scenario)} | ${cell(o.variant)} | ${o.seed ?? ''} | ${ICON[o.status]} | ${details} |`);
  }
  return lines.join('\n') + '\n';
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/</g, '&lt;');
}
