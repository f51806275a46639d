// `repsim play [scenario...] --out FILE`: writes the playground, one
// self-contained HTML page that runs the simulator in the browser (docs/playground.md).
// Default: the reference scenarios (scenarios/*.yaml) into reports/playground.html.
// --out is checked and every scenario loaded (each variant) before the
// bundle is built: a bad one is its located message and exit 2.
import type { Argv } from 'yargs';
import type { Command } from './command.ts';
import { EXIT_OK } from './errors.ts';
import { valueOption } from './options.ts';
import { DEFAULT_PLAYGROUND, defaultScenarioFiles, writePlayground } from '../play/write.ts';

export const playCommand: Command = {
  name: 'play [scenarios..]',
  describe: 'Write the playground: one self-contained HTML page that runs scenarios in the browser',
  builder: (y: Argv) =>
    y
      .positional('scenarios', { type: 'string', array: true, describe: 'scenario YAML files (default: scenarios/*.yaml)' })
      .option('out', valueOption('out', `the HTML file to write (default ${DEFAULT_PLAYGROUND})`))
      .example('$0 play scenarios/primary-region-partition.yaml --out /tmp/play.html', '') as unknown as Argv,
  async run(args) {
    const given = (args.scenarios as string[] | undefined) ?? [];
    const out = (args.out as string | undefined) ?? DEFAULT_PLAYGROUND;
    const files = given.length > 0 ? given : defaultScenarioFiles();
    const r = await writePlayground(files, out);
    process.stderr.write(`wrote ${r.path} (${(r.bytes / 1e6).toFixed(2)} MB, ${r.scenarios.length} scenario${r.scenarios.length === 1 ? '' : 's'}: ${r.scenarios.join(', ')})\n`);
    return EXIT_OK;
  },
};
