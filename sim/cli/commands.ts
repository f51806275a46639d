// The list of commands. Each lives in its own file.
import type { Command } from './command.ts';
import { validateCommand } from './validate.ts';
import { schemaCommand } from './schema.ts';
import { runCommand } from './run.ts';
import { reportCommand } from './report.ts';

export const commands: Command[] = [runCommand, validateCommand, schemaCommand, reportCommand];
