// `--prices FILE`: a price book (sim/scenario/price-book.ts) for scenarios
// without `costs`. Read and checked before any run starts.
import { existsSync } from 'node:fs';
import { InputError } from './errors.ts';
import { loadScenario } from '../scenario/loader.ts';
import { parsePriceBook, priceSet, type PriceBook } from '../scenario/price-book.ts';
import { readScenarioText } from '../scenario/read-text.ts';

export const PRICES_OPTION = {
  type: 'string',
  requiresArg: true,
  describe: 'price book for metrics.cost: applied to a scenario without its own costs section (docs/scenario-format.md#costs)',
} as const;

/** Reads and checks a price book; a missing or unreadable file is one located message (exit 2). */
export function readPriceBook(file: string): PriceBook {
  if (!existsSync(file)) throw new InputError(`--prices ${file}: no such file`);
  return parsePriceBook(readScenarioText(file), file);
}

/** `sets`, plus the book's prices when the scenario (with those sets) has no `costs` of its own. */
export function withPrices(book: PriceBook | undefined, scenarioFile: string, sets: readonly string[]): string[] {
  if (!book) return [...sets];
  const { scenario } = loadScenario(scenarioFile, { sets: [...sets] });
  if (scenario.costs) return [...sets];
  return [...sets, priceSet(book, scenario.regions.map((r) => r.id))];
}
