// Worker-thread bootstrap: register the TypeScript loader (tsx) in this
// thread, then load the TS worker module. See bin/repsim.js.
import { register } from 'tsx/esm/api';
register();
await import('./worker.ts');
