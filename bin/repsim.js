#!/usr/bin/env node
// Launcher: registers the TypeScript loader (tsx) and hands over to the CLI.
import { register } from 'tsx/esm/api';
register();
// A closed pipe (e.g. `repsim run ... | head`) is not an error.
process.stdout.on('error', (e) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });
const { main } = await import('../sim/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
