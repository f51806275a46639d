// The list of commands. Each lives in its own file.
import type { Command } from './command.ts';
import { validateCommand } from './validate.ts';
import { schemaCommand } from './schema.ts';
import { runCommand } from './run.ts';
import { reportCommand } from './report.ts';
import { checkCommand } from './check.ts';
import { swarmCommand } from './swarm.ts';
import { sweepCommand } from './sweep.ts';
import { mergeCommand } from './merge.ts';
import { compareCommand } from './compare.ts';
import { mainJobCommand } from './main-job.ts';
import { labCommand } from './lab.ts';
import { playCommand } from './play.ts';

export const commands: Command[] = [runCommand, validateCommand, schemaCommand, reportCommand, checkCommand, swarmCommand, compareCommand, sweepCommand, mergeCommand, mainJobCommand, labCommand, playCommand];
