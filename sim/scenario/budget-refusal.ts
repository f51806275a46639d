// The resource budget's refusal: one problem, located at the field of the
// largest term, naming the others that weigh, and saying what value of that
// field would fit.
import type { Problem } from './problems.ts';
import { sum, type BatchShape, type Term } from './budget-terms.ts';
import { fmtCount, fmtValue } from './budget-format.ts';

/** The one problem: located at the largest term's field, naming the others, and what value of that field would fit. */
export function refusal(terms: readonly Term[], budget: number, headline: string, batch: BatchShape | undefined): Problem {
  const total = sum(terms);
  const ranked = [...terms].filter((t) => t.amount > 0).sort((a, b) => b.amount - a.amount);
  const top = ranked.find((t) => t.path.length > 0 || t.unit === 'seeds') ?? (ranked[0] as Term);
  const share = (t: Term) => `${t.what} (${Math.round((100 * t.amount) / total)}%)`;
  const others = ranked.filter((t) => t !== top && t.amount >= 0.05 * total && (t.path.length > 0 || t.unit === 'seeds'));
  const f = (budget - (total - top.amount)) / top.amount;
  let fit: string;
  const name = top.unit === 'seeds' ? (batch?.runsField?.name ?? 'runs') : 'this field';
  if (f <= 0) fit = `it would not fit even without ${top.unit === 'seeds' ? 'that many runs' : 'this'}: lower ${others.map((t) => t.path.join('.') || batch?.runsField?.name).join(', ') || 'the rest'} first`;
  else if (top.fit) fit = top.fit(f);
  else {
    const v = top.scaling === 'linear' ? top.value * f : top.value / f;
    fit = top.scaling === 'linear' ? `${name} fits up to about ${fmtValue(v, top)}` : `${name} fits from about ${fmtValue(v, top)}`;
    if (top.unit === 'seeds' && batch?.runsField && batch.runs > 1) {
      const fieldFits = Math.floor(batch.runsField.value * f);
      fit = fieldFits >= 1
        ? `at most about ${fmtCount(fieldFits)} ${batch.runsField.name} fit (or split the work with --shard)`
        : `at most about ${fmtCount(Math.floor(batch.runs * f))} of its ${fmtCount(batch.runs)} runs fit: fewer swept values or variants (or split the work with --shard)`;
    }
  }
  const also = others.length > 0 ? `; also ${others.map(share).join(', ')}` : '';
  const prefix = top.path.length === 0 && batch?.runsField ? `${batch.runsField.name} ${batch.runsField.value}: ` : '';
  return { path: top.path, message: `${prefix}too much for this machine: this ${batch && batch.runs > 1 ? 'batch' : 'run'} ${headline}. Mostly ${share(top)}${also}. ${fit[0]?.toUpperCase()}${fit.slice(1)}` };
}
