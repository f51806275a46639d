// The messages between the playground page and its run workers. One job is
// one run: a scenario text, its label (the file name messages are located
// in), a variant and a seed; the worker answers with progress and then the
// summary JSON, or the located problems, or the failure of the model.

/** Page → worker: run this. */
export interface RunJob {
  id: number;
  text: string;
  label: string;
  /** `base` for none. */
  variant: string;
  /** Omitted: the scenario's seed. */
  seed?: number;
}

/** Worker → page. */
export type WorkerReply =
  | { id: number; kind: 'progress'; fraction: number }
  /** `json` is exactly what `repsim run --json` prints for this job. */
  | { id: number; kind: 'done'; json: string; wallMs: number }
  /** Bad input: located lines as the CLI prints them. */
  | { id: number; kind: 'invalid'; problems: string[] }
  /** The model failed (an invariant, no progress, a crash): the message. */
  | { id: number; kind: 'failed'; message: string };
