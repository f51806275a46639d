// What the network carried: bytes per directed region pair (a region to
// itself is traffic inside the region) and per purpose, counted when a
// message leaves its sender on a link that is up. A message refused at once
// because its link is cut is not counted (nothing left the sender); one that
// leaves and is then lost — to the link's loss draw or a cut while in flight
// — is counted, as a cloud bills the bytes a host sends. Sizes are the
// model's own: what a stream charges the link's bandwidth, and for datagrams
// the size each sender gives its message (docs/metrics.md, "Traffic").
// Knows nothing of replication.

/** Why bytes crossed a link. */
export const PURPOSES = ['replication', 'client', 'control'] as const;
export type PurposeName = (typeof PURPOSES)[number];
/** Index into PURPOSES: 0 replication, 1 client, 2 control. */
export type Purpose = 0 | 1 | 2;
export const REPLICATION: Purpose = 0;
export const CLIENT: Purpose = 1;
export const CONTROL: Purpose = 2;

/**
 * A message's overhead besides its payload, bytes: TCP/IPv4 headers (40)
 * plus a database protocol's framing (a PostgreSQL message's 5-byte header
 * and its command tag, a Raft message's fixed protobuf fields, a Dynamo-style
 * frame header), rounded up to 64. Used for every message that has no size
 * of its own; the WAL batch header is the same figure.
 */
export const MESSAGE_OVERHEAD_BYTES = 64;

export class Traffic {
  /** Bytes, indexed (purpose · n + from) · n + to. */
  private readonly bytes: Float64Array;

  constructor(readonly n: number) {
    this.bytes = new Float64Array(3 * n * n);
  }

  /** Counts `bytes` from region `from` to region `to` for `purpose`. */
  add(from: number, to: number, purpose: Purpose, bytes: number): void {
    const k = (purpose * this.n + from) * this.n + to;
    this.bytes[k] = (this.bytes[k] as number) + bytes;
  }

  /** Bytes carried from → to for one purpose, or for all of them. */
  bytesOf(from: number, to: number, purpose: PurposeName | 'all'): number {
    if (purpose === 'all') return this.bytesOf(from, to, 'replication') + this.bytesOf(from, to, 'client') + this.bytesOf(from, to, 'control');
    return this.bytes[(PURPOSES.indexOf(purpose) * this.n + from) * this.n + to] as number;
  }
}
