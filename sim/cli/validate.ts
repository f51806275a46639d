// `repsim validate <scenario...>`: checks scenario files (base and every
// variant) without running them. Prints `ok  FILE (N variants)` on stdout per
// valid file; problems and warnings go to stderr, one located line each.
// Exit 2 when any file has a problem. The checks themselves live in
// sim/scenario/ (loader.ts, validate.ts).
import type { Argv } from 'yargs';
import type { Command } from './command.ts';
import { EXIT_BAD_INPUT, EXIT_OK, InputError } from './errors.ts';
import { validateAllVariants } from '../scenario/loader.ts';

/** The `validate` command. */
export const validateCommand: Command = {
  name: 'validate <scenario...>',
  describe: 'Check scenario files (and every variant); errors name file:line:column and the field',
  builder: (y: Argv) =>
    y.positional('scenario', { type: 'string', array: true, describe: 'Scenario YAML files' })
      .example('$0 validate scenarios/*.yaml', 'check every bundled scenario'),
  run: async (args) => {
    const files = Array.isArray(args['scenario']) ? args['scenario'].map(String) : [String(args['scenario'])];
    if (files.length === 0) throw new InputError('validate: no scenario given (a lone "-" is not read as standard input: use /dev/stdin or <(cmd))');
    let failed = false;
    for (const file of files) {
      const r = validateAllVariants(file);
      for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
      if (r.problems.length > 0) {
        failed = true;
        for (const p of r.problems) process.stderr.write(`${p}\n`);
      } else {
        const n = r.variants.length;
        process.stdout.write(`ok  ${file} (${n} variant${n === 1 ? '' : 's'})\n`);
      }
    }
    return failed ? EXIT_BAD_INPUT : EXIT_OK;
  },
};
