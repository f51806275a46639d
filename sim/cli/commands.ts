// The list of commands. Each lives in its own file.
import type { Command } from './command.ts';

export const commands: Command[] = [];
