// A price book: prices for metrics.cost kept apart from the scenarios, such
// as a cloud's list prices (scenarios/prices/default.yaml), applied to every
// scenario that has no `costs` section of its own (`repsim compare --prices`,
// `repsim main`). Its fields are those of a scenario's `costs`
// (docs/scenario-format.md#costs), but its region maps may name regions a
// scenario does not have: each scenario takes the entries of its own regions.
// Pure: the CLI reads the file.
import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import { problemsFromIssues } from './issues.ts';
import { parseSource } from './loader.ts';
import { Locator } from './locator.ts';
import { sortLocated } from './problems.ts';
import { CostsSchema } from './schema-costs.ts';

export type PriceBook = z.output<typeof CostsSchema>;

/** Parses a price book. Throws InputError with every problem located as `file:line:col: field: message`. */
export function parsePriceBook(text: string, label: string): PriceBook {
  const source = parseSource(text, label);
  const r = CostsSchema.safeParse(source.raw);
  if (!r.success) {
    const locator = new Locator(source, []);
    throw new InputError(sortLocated(problemsFromIssues(r.error.issues, source.raw).map((p) => locator.locate(p))).map((p) => p.text));
  }
  return r.data;
}

/** The book's prices for a scenario of these regions: a `costs` value that names only them. */
export function costsFor(book: PriceBook, regionIds: readonly string[]): PriceBook {
  const has = (r: string) => regionIds.includes(r);
  const keep = (m: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(m).filter(([r]) => has(r)));
  const pairs: Record<string, Record<string, number>> = {};
  for (const [a, row] of Object.entries(book.pairs)) {
    if (!has(a)) continue;
    const kept = Object.fromEntries(Object.entries(row).filter(([b]) => has(b) && b !== a && !(Object.hasOwn(pairs, b) && pairs[b]?.[a] !== undefined)));
    if (Object.keys(kept).length > 0) pairs[a] = kept;
  }
  return { transferPerGB: book.transferPerGB, fromRegionPerGB: keep(book.fromRegionPerGB), pairs, intraRegionPerGB: book.intraRegionPerGB, nodePerHour: keep(book.nodePerHour) };
}

/** The `--set` expression that prices a scenario of these regions with the book. */
export function priceSet(book: PriceBook, regionIds: readonly string[]): string {
  return `costs=${JSON.stringify(costsFor(book, regionIds))}`;
}
