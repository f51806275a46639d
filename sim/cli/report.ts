// `repsim report <dir> [--out DIR]`: turns a results directory into charts
// (Vega-Lite specs, SVG, PNG) and a self-contained index.html.
import type { Argv } from 'yargs';
import type { Command } from './command.ts';
import { EXIT_OK } from '../core/errors.ts';
import { checkOutputLocations } from '../output/locations.ts';
import { valueOption } from './options.ts';

export const reportCommand: Command = {
  name: 'report <dir>',
  describe: 'Turn a results directory (results.jsonl or summary.json) into charts and a self-contained index.html',
  builder: (y: Argv) =>
    y
      .positional('dir', {
        type: 'string',
        demandOption: true,
        describe: 'Results directory written by run/compare/sweep --out (results.jsonl or summary.json, optional scenario.json)',
      })
      .option('out', valueOption('out', 'Directory to write index.html and charts/ into (default: the results directory)'))
      .example('$0 report out/partition', 'writes out/partition/index.html and out/partition/charts/')
      .example('$0 report out/partition --out reports/partition', 'writes the report elsewhere'),
  run: async (args) => {
    const dir = args.dir as string;
    const out = args.out as string | undefined;
    checkOutputLocations([{ flag: out !== undefined ? '--out' : 'report', path: out ?? dir, kind: 'dir' }]);
    const started = performance.now();
    // The renderer (vega, resvg) loads only when it is needed.
    const { writeReport } = await import('../report/index.ts');
    const result = await writeReport(dir, out ?? dir);
    const charts = result.charts.filter((f) => f.endsWith('.png')).length;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(`wrote ${result.indexHtml} (${charts} charts, ${seconds} s)\n`);
    return EXIT_OK;
  },
};
