#!/usr/bin/env node
// Launcher: runs the CLI from a compiled bundle of the sources when one can
// be had (bin/build.js builds it on first use), else through the TypeScript
// loader (tsx).
import { pathToFileURL } from 'node:url';
import { compiled } from './build.js';
// A closed pipe (e.g. `repsim run ... | head`) is not an error. Any other
// failure to write standard output (a full disk, /dev/full, an I/O error) is
// one line and exit 2, as bad output locations are.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  const reason = /^[A-Z]+: ([^,]+)/.exec(e.message)?.[1] ?? e.message;
  process.stderr.write(`repsim: cannot write to standard output: ${reason}\n`);
  process.exit(2);
});
const dir = await compiled();
let main;
if (dir) ({ main } = await import(pathToFileURL(`${dir}/main.js`).href));
else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../sim/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
