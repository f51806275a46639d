// The command line: one file per command under sim/cli/, wired here.
// Only the CLI (and the report writer) touch the filesystem, the process and
// the real clock. Exit codes: 0 success, 1 a check failed, 2 bad input.
import yargs, { type Argv } from 'yargs';
import { CheckFailure, EXIT_BAD_INPUT, EXIT_CHECK_FAILED, InputError } from './errors.ts';
import { commands } from './commands.ts';

/** Runs the CLI with the given arguments; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  let failed: string | undefined;
  const parser: Argv = yargs(argv)
    .scriptName('repsim')
    .usage('$0 <command> [options]\n\nDeterministic discrete-event simulator of multi-region database replication.')
    .strict()
    .demandCommand(1, 'Name a command (see --help).')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      failed = msg;
    });
  for (const c of commands) {
    parser.command(c.name, c.describe, c.builder, async (args: Record<string, unknown>) => {
      exitCode = await c.run(args);
    });
  }
  try {
    await parser.parseAsync();
    if (failed !== undefined) {
      process.stderr.write(`repsim: ${failed}\n`);
      return EXIT_BAD_INPUT;
    }
    return exitCode;
  } catch (e) {
    if (e instanceof InputError) {
      for (const p of e.problems) process.stderr.write(`${p}\n`);
      return EXIT_BAD_INPUT;
    }
    if (e instanceof CheckFailure) {
      process.stderr.write(`${e.message}\n`);
      return EXIT_CHECK_FAILED;
    }
    throw e;
  }
}
