// The operation history as a Jepsen/Elle EDN history: one op map per line.
// Owns the encoding only; it neither checks histories nor touches files
// (the CLI hands the lines to a sink).
//
// Encoding (a keyed register, jepsen.independent style):
//   {:index 0, :type :invoke, :f :write, :process 12, :value [42 nil], :time 123000, :region "us-east-1"}
//   {:index 1, :type :ok,     :f :write, :process 12, :value [42 7],   :time 1123000, :region "us-east-1", :node "us-east-1"}
//   - :value is [key v]: the row id and the register value. repsim's values are
//     versions: every write gets a globally unique version when it commits, so
//     the register is a unique-value register. A write's version is assigned
//     by the database, so its :invoke carries nil and its :ok the version.
//     A read's :invoke carries nil and its :ok the version it returned;
//     version 0 (never written) is nil, Jepsen's initial register value.
//   - :fail is definite (refused, or a read that got no answer); :info is a write
//     the client gave up on after its timeout — it may have committed.
//   - :time is nanoseconds of simulated time (µs × 1000).
//   - :process: Jepsen requires one outstanding op per process, but a repsim
//     session may have several in flight. Each session is therefore a set of
//     lanes: lane 0 is process = session id; extra concurrent lanes get fresh
//     ids above every session id. A lane whose op ended :info is retired
//     (Jepsen never reuses a crashed process), the next op gets a new one.
//   - Lines are sorted by (:time, emission order), and :index numbers them:
//     the model emits an ack when it is scheduled, which may precede other
//     ops' earlier records, so the whole history is buffered and sorted.
import type { HistoryRecord } from './history.ts';

/** Formats one op map. `process` is the Jepsen process (see lanes above). */
export function ednOp(r: HistoryRecord, index: number, process: number): string {
  const v = r.value === null || (r.f === 'read' && r.value === 0) ? 'nil' : String(r.value);
  const node = r.node !== undefined ? `, :node ${ednString(r.node)}` : '';
  return `{:index ${index}, :type :${r.type}, :f :${r.f}, :process ${process}, :value [${r.key} ${v}], :time ${Math.round(r.timeUs * 1000)}, :region ${ednString(r.region)}${node}}`;
}

function ednString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Turns a whole history (in emission order) into EDN lines, sorted by time,
 * with Jepsen process ids assigned per lane (see the header).
 */
export function toJepsenEdn(records: readonly HistoryRecord[]): string[] {
  const order = records.map((r, i) => ({ r, i }));
  order.sort((a, b) => a.r.timeUs - b.r.timeUs || a.i - b.i);
  let maxSession = -1;
  for (const r of records) if (r.process > maxSession) maxSession = r.process;
  let nextExtra = maxSession + 1;
  const freeLanes = new Map<number, number[]>(); // session → free process ids (lowest first)
  const session0Busy = new Set<number>();
  const session0Retired = new Set<number>();
  const processOf = new Map<number, number>(); // op index → process
  const lines: string[] = [];
  for (const { r } of order) {
    const opId = r.op ?? -1;
    let process: number;
    if (r.type === 'invoke') {
      const free = freeLanes.get(r.process);
      if (!session0Busy.has(r.process) && !session0Retired.has(r.process)) {
        process = r.process;
        session0Busy.add(r.process);
      } else if (free && free.length > 0) {
        process = free.shift() as number;
      } else {
        process = nextExtra++;
      }
      processOf.set(opId, process);
    } else {
      process = processOf.get(opId) ?? r.process;
      processOf.delete(opId);
      if (process === r.process) {
        session0Busy.delete(r.process);
        if (r.type === 'info') session0Retired.add(r.process);
      } else if (r.type !== 'info') {
        const free = freeLanes.get(r.process) ?? [];
        free.push(process);
        free.sort((a, b) => a - b);
        freeLanes.set(r.process, free);
      }
    }
    lines.push(ednOp(r, lines.length, process));
  }
  return lines;
}

/** A history sink that buffers records and yields the EDN lines at the end. */
export class EdnHistoryBuffer {
  readonly records: HistoryRecord[] = [];
  write(r: HistoryRecord): void {
    this.records.push(r);
  }
  lines(): string[] {
    return toJepsenEdn(this.records);
  }
}
