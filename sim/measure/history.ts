// The operation history and the event trace as streams of records. The model
// emits records to a sink the caller provides (the CLI writes them to a
// file); nothing is retained in memory here.

/** One client operation's outcome (docs/metrics.md history). Times in µs. */
export interface HistoryRecord {
  type: 'invoke' | 'ok' | 'fail' | 'info';
  f: 'read' | 'write';
  /** Global session id (the Jepsen "process"). */
  process: number;
  region: string;
  /** Row id the operation touched. */
  key: number;
  /** Version written (write) or returned (read); null when unknown. */
  value: number | null;
  timeUs: number;
  /** Node region that served it, when known. */
  node?: string;
  /** Invocation index: an op's completion record carries its invoke's index. */
  op?: number;
}

/** A sink for history records. */
export interface HistoryWriter {
  write(r: HistoryRecord): void;
}

/** One trace event (JSONL): a model-level happening, not a client operation. */
export interface TraceEvent {
  tUs: number;
  event: string;
  [field: string]: unknown;
}

/** A sink for trace events. */
export interface TraceWriter {
  write(e: TraceEvent): void;
}
