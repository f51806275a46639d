// A client operation, and where operations go. Shared by the workload (which
// creates operations), the topologies (which serve them) and the measurement
// (which hears of their outcomes through sim/measure/events.ts).
import { MESSAGE_OVERHEAD_BYTES } from '../world/traffic.ts';

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

/** A client request's size on the wire, bytes: a write carries its row; a read only its key (inside the overhead). */
export function requestBytes(op: Op): number {
  return op.write ? op.bytes + MESSAGE_OVERHEAD_BYTES : MESSAGE_OVERHEAD_BYTES;
}

/** An answer's size on the wire, bytes: a served read returns its row; a write's answer, or any failure, is a status. */
export function answerBytes(op: Op, ok: boolean): number {
  return ok && !op.write ? op.bytes + MESSAGE_OVERHEAD_BYTES : MESSAGE_OVERHEAD_BYTES;
}

/** Where operations go: implemented by each topology. */
export interface Topology {
  write(op: Op): void;
  read(op: Op): void;
}
