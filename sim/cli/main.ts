// The command line: one file per command under sim/cli/, wired here.
// Only the CLI (and the report writer) touch the filesystem, the process and
// the real clock. Exit codes: 0 success, 1 a check failed, 2 bad input.
import yargs, { type Argv } from 'yargs';
import { CheckFailure, EXIT_BAD_INPUT, EXIT_CHECK_FAILED, InputError } from '../core/errors.ts';
import { commands } from './commands.ts';

/** Runs the CLI with the given arguments; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const parser: Argv = yargs(argv)
    .scriptName('repsim')
    .usage('$0 <command> [options]\n\nDeterministic discrete-event simulator of multi-region database replication.')
    .strict()
    .demandCommand(1, 'Name a command.')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      // Thrown, not recorded: yargs must not go on to run the command.
      if (err instanceof InputError || (err && err.name !== 'YError')) throw err;
      throw flagError(err?.message ?? msg);
    });
  // yargs reads `--json=maybe` as false; a boolean flag given a value must be given true or false.
  parser.middleware(() => {
    // getOptions() is part of yargs' instance but missing from its type definitions.
    const booleans = (parser as Argv & { getOptions(): { boolean: string[] } }).getOptions().boolean;
    for (const raw of argv) {
      const m = /^--([^=]+)=(.*)$/.exec(raw);
      if (m && booleans.includes(m[1] as string) && m[2] !== 'true' && m[2] !== 'false') throw new InputError(`repsim: --${m[1]}: expected true or false, got "${m[2]}"`);
    }
  }, true);
  for (const c of commands) {
    parser.command(c.name, c.describe, c.builder, async (args: Record<string, unknown>) => {
      exitCode = await c.run(args);
    });
  }
  try {
    if (argv.includes('-')) throw new InputError('repsim: "-": standard input is not read as "-"; name a file, /dev/stdin, or use process substitution <(cmd)');
    await parser.parseAsync();
    return exitCode;
  } catch (thrown) {
    // yargs wraps what a flag's coerce throws (and its own parse errors) in a YError.
    const e = thrown instanceof Error && thrown.name === 'YError' ? flagError(thrown.message) : thrown;
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

/** A command-line problem as one line: `repsim: MESSAGE (see --help)`. */
function flagError(message: string): InputError {
  const line = message
    .replace(/\s*\n\s*/g, ' ')
    .replace(/^Not enough arguments following: (\S+)$/, '--$1: needs a value')
    .replace(/^Missing required argument: (\S+)$/, '--$1 is required');
  return new InputError(line.startsWith('--') ? `repsim: ${line}` : `repsim: ${line} (see --help)`);
}
