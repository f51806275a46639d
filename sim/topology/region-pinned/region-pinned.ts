// Region-pinned topology: each row (user) has a home region and lives only
// on that region's node; nothing is replicated. Home = key % regionCount.
// A region's clients pick rows homed there, except `workload.remoteShare` of
// their operations, which pick a row homed in another region; those are
// proxied to the home region and pay the round trip both ways. If the home
// region is down, its rows are unavailable from everywhere. A crash loses
// nothing acknowledged (commit precedes the ack, the node keeps its rows).
//
// Owns: the workload's row picker (homes as homes.ts draws them), proxying, commit and reads
// on the home node. Does not own faults or metrics.
import type { Scheduler } from '../../core/scheduler.ts';
import type { Rng } from '../../core/rng.ts';
import type { Network } from '../../world/network.ts';
import { CLIENT } from '../../world/traffic.ts';
import { answerBytes, requestBytes } from '../../db/op.ts';
import type { DbNode } from '../../db/node.ts';
import type { KeySpace } from '../../world/keys.ts';
import type { Op, Topology, Workload } from '../../workload/workload.ts';
import type { CommitRef } from '../../measure/events.ts';
import { homedKey, homeOf } from '../homes.ts';

export interface RegionPinnedOptions {
  sched: Scheduler;
  net: Network;
  nodes: DbNode[];
  keys: KeySpace;
  workload: Workload;
  /** Share of a region's operations on rows homed elsewhere. */
  remoteShare: number;
}

interface Reply extends CommitRef {
  op: Op;
  ok: boolean;
  home: number;
}

export class RegionPinned implements Topology {
  private readonly n: number;
  private writeSeq = 0;
  private readonly requestBound = (op: Op) => this.arrived(op);
  private readonly replyBound = (r: Reply) => this.replyArrived(r, this.o.sched.now);
  private readonly lostBound = (x: Op | Reply) => this.o.workload.armTimeout('op' in x ? x.op : x);

  constructor(private readonly o: RegionPinnedOptions) {
    this.n = o.nodes.length;
    for (const x of o.nodes) x.role = 'primary';
  }

  /** The region a row lives in. */
  home(row: number): number {
    return homeOf(this.o.keys, this.n, row);
  }

  /** The workload's row picker: a popular key moved to a row homed in the chosen region. */
  pickRow(region: number, rng: Rng): number {
    const { keys } = this.o;
    const table = keys.pickTable(rng);
    return keys.row(table, homedKey(keys, this.n, this.o.remoteShare, region, keys.pickKey(rng), rng));
  }

  write(op: Op): void {
    this.route(op);
  }

  read(op: Op): void {
    this.route(op);
  }

  private route(op: Op): void {
    this.o.net.datagram(op.region, this.home(op.row), CLIENT, requestBytes(op), this.requestBound, op, this.lostBound);
  }

  private arrived(op: Op): void {
    const h = this.home(op.row);
    const node = this.o.nodes[h] as DbNode;
    if (node.status === 'up') this.serve(op, node); // the common case, without a closure
    else if (!node.whenRunning(() => this.serve(op, node))) this.reply({ op, ok: false, version: 0, lsn: 0, home: h, node, epoch: 0, commitUs: 0 });
  }

  private serve(op: Op, node: DbNode): void {
    const now = this.o.sched.now;
    if (!op.write) {
      const version = node.rowVersion[op.row] as number;
      this.reply({ op, ok: true, version, lsn: 0, home: node.region, node, epoch: 0, commitUs: now });
      return;
    }
    const id = ++this.writeSeq;
    const lsn = node.wal.endLsn + Math.max(1, op.bytes);
    node.commitLocal({ lsnEnd: lsn, writeId: id, rowId: op.row, table: op.table, bytes: op.bytes, commitUs: now, origin: node.region, epoch: 0 });
    // Nothing reads an unreplicated WAL: keep only the last record.
    node.wal.trimBeforeIndex(node.wal.endIndex - 1);
    node.appliedIndex = node.wal.endIndex;
    this.reply({ op, ok: true, version: id, lsn, home: node.region, node, epoch: 0, commitUs: now });
  }

  private reply(r: Reply): void {
    if (r.home === r.op.region) this.replyArrived(r, this.o.net.answerAtUs(r.home, answerBytes(r.op, r.ok)));
    else this.o.net.datagram(r.home, r.op.region, CLIENT, answerBytes(r.op, r.ok), this.replyBound, r, this.lostBound);
  }

  private replyArrived(r: Reply, atUs: number): void {
    const { op } = r;
    const w = this.o.workload;
    if (!r.ok) return op.write ? w.writeFailed(op) : w.readFailed(op);
    if (op.write) w.writeAcked(op, atUs, r);
    else w.readServed(op, r.version, atUs);
  }
}
