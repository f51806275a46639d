// The worker thread's body: receives RunTasks from the pool, answers with
// RunOutcomes. Loaded through worker-entry.js (which registers tsx).
import { parentPort } from 'node:worker_threads';
import { executeTask, type RunTask } from './execute.ts';

if (parentPort === null) throw new Error('sim/sweep/worker.ts must run in a worker thread');
const port = parentPort;
port.on('message', (task: RunTask) => {
  port.postMessage(executeTask(task));
});
