// The shape every command file exports.
import type { Argv } from 'yargs';

export interface Command {
  /** yargs command string, e.g. 'run <scenario>'. */
  name: string;
  describe: string;
  builder: (y: Argv) => Argv;
  /** Runs the command; resolves to an exit code. Throws InputError for bad input (exit 2). */
  run: (args: Record<string, unknown>) => Promise<number>;
}
