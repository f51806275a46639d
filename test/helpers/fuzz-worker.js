// Worker bootstrap: registers the TypeScript loader (tsx) in this thread,
// then runs the TS worker module (see fuzz-case.ts).
import { register } from 'tsx/esm/api';
register();
await import('./fuzz-worker.ts');
