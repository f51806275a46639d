// A client operation, and where operations go. Shared by the workload (which
// creates operations), the topologies (which serve them) and the measurement
// (which hears of their outcomes through sim/measure/events.ts).

/** One client operation in flight. */
export interface Op {
  write: boolean;
  /** Region whose client issued it. */
  region: number;
  /** Global session id. */
  session: number;
  row: number;
  table: number;
  bytes: number;
  invokeUs: number;
  /** Set once the client has its answer (ok or fail); later answers are ignored. */
  done: boolean;
}

/** Where operations go: implemented by each topology. */
export interface Topology {
  write(op: Op): void;
  read(op: Op): void;
}
