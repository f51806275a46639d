// Worker bootstrap: registers the TypeScript loader (tsx) in this thread,
// then runs the TS worker module (see determinism.ts).
import { register } from 'tsx/esm/api';
register();
await import('./determinism-worker.ts');
