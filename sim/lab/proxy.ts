// A delaying TCP proxy on loopback: the lab's network link between two
// regions. Every connection accepted on the proxy's port is forwarded to the
// target port; each direction of each connection is one FIFO queue in which
// every chunk waits its own sampled one-way delay, but never overtakes the
// chunk before it (as TCP would not).
//
// Verbs, as the simulator's network has them: cut (both directions: open
// connections are destroyed with what is in flight, new ones refused) and
// heal; block one direction (a one-way partition: chunks in that direction
// are held, as TCP retransmits them, and delivered after the heal); a slow
// factor on the delay. Knows nothing of PostgreSQL.
import { Fifo } from '../core/fifo.ts';
import { createServer, connect, type Server, type Socket } from 'node:net';

/** Direction of travel: `forward` is client → target, `back` is target → client. */
export type Direction = 'forward' | 'back';

export interface ProxyOptions {
  /** Port to forward to on 127.0.0.1. */
  targetPort: number;
  /** Port to listen on (0: any free port). */
  listenPort?: number;
  /** One-way delay for the next chunk in a direction, microseconds (`tag`: the connection's dialer, once named). */
  delayUs: (dir: Direction, tag?: string) => number;
  /** Real time, milliseconds (injected so tests can read the same clock). */
  nowMs?: () => number;
  /**
   * Names the dialing end of a connection from its first bytes (the etcd lab: an etcd peer's
   * X-Server-From header), so that `cutTag` / `blockTag` act on the links to one peer only.
   */
  tagOf?: (first: Buffer) => string | undefined;
}

interface Pending {
  atMs: number;
  chunk: Buffer;
}

/** One direction of one connection: a FIFO of delayed chunks. */
class Pipe {
  private readonly queue = new Fifo<Pending>();
  private lastAtMs = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  held = false;
  /** Set when the sending side has closed: deliver what is queued, then end the receiver. */
  private onDrained: (() => void) | undefined;

  constructor(
    private readonly to: Socket,
    private readonly delayMs: () => number,
    private readonly nowMs: () => number,
  ) {}

  push(chunk: Buffer): void {
    // FIFO: a chunk that draws a shorter delay waits for the one before it.
    const at = Math.max(this.nowMs() + this.delayMs(), this.lastAtMs);
    this.lastAtMs = at;
    this.queue.push({ atMs: at, chunk });
    this.arm();
  }

  /** Schedules delivery of the head of the queue. */
  arm(): void {
    const next = this.queue.peek();
    if (this.timer || this.held || !next) return;
    const wait = next.atMs - this.nowMs();
    this.timer = setTimeout(() => this.flush(), Math.max(0, wait));
  }

  private flush(): void {
    this.timer = undefined;
    if (this.held) return;
    const now = this.nowMs();
    for (let p = this.queue.peek(); p && p.atMs <= now + 0.05; p = this.queue.peek()) {
      this.queue.drop(1);
      if (!this.to.destroyed) this.to.write(p.chunk);
    }
    if (this.queue.isEmpty() && this.onDrained) {
      const done = this.onDrained;
      this.onDrained = undefined;
      done();
      return;
    }
    this.arm();
  }

  /** The sender closed: what is already on the way is still delivered (a crashed host's sent bytes arrive), then `done`. */
  drainThen(done: () => void): void {
    this.onDrained = done;
    if (this.queue.isEmpty()) {
      this.onDrained = undefined;
      done();
    } else this.arm();
  }

  /** Held chunks go out after a one-way heal, no earlier than now. */
  release(): void {
    this.held = false;
    const now = this.nowMs();
    for (let i = 0; i < this.queue.length; i++) {
      const p = this.queue.peek(i) as Pending;
      if (p.atMs < now) p.atMs = now;
    }
    this.arm();
  }

  hold(): void {
    this.held = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.clear();
    this.onDrained = undefined;
  }

  get inFlight(): number {
    return this.queue.length;
  }
}

interface Conn {
  client: Socket;
  server: Socket;
  forward: Pipe;
  back: Pipe;
  /** The dialing end, once `tagOf` named it from one of its requests. */
  tag?: string | undefined;
}

export class DelayProxy {
  private server: Server | undefined;
  private readonly conns = new Set<Conn>();
  private isCut = false;
  private readonly heldDirs = new Set<Direction>();
  /** Dialing ends whose connections are cut, and those held one way. */
  private readonly cutTags = new Set<string>();
  private readonly heldTags = new Map<string, Set<Direction>>();
  /** Delay multiplier (slow link). */
  factor = 1;
  /** Connections accepted so far (for tests and diagnostics). */
  accepted = 0;
  port = 0;
  private readonly nowMs: () => number;

  constructor(private readonly o: ProxyOptions) {
    this.nowMs = o.nowMs ?? (() => performance.now());
  }

  /** Starts listening on 127.0.0.1; resolves to the port. */
  async start(): Promise<number> {
    const server = createServer({ noDelay: true }, (client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.listenPort ?? 0, '127.0.0.1', () => resolve());
    });
    const addr = server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
    return this.port;
  }

  private accept(client: Socket): void {
    if (this.isCut) {
      client.destroy();
      return;
    }
    this.accepted++;
    client.setNoDelay(true);
    const server = connect({ host: '127.0.0.1', port: this.o.targetPort, noDelay: true });
    const delay = (dir: Direction) => () => (this.o.delayUs(dir, c.tag) * this.factor) / 1000;
    const c: Conn = { client, server, forward: new Pipe(server, delay('forward'), this.nowMs), back: new Pipe(client, delay('back'), this.nowMs) };
    if (this.heldDirs.has('forward')) c.forward.hold();
    if (this.heldDirs.has('back')) c.back.hold();
    this.conns.add(c);
    const tagOf = this.o.tagOf;
    client.on('data', (d: Buffer) => {
      // Every request until one names its dialer: an idle keep-alive connection first used for an
      // unnamed request (etcd's /version, probing) may carry a named peer stream later.
      if (tagOf && c.tag === undefined) {
        c.tag = tagOf(d);
        if (c.tag !== undefined) {
          if (this.cutTags.has(c.tag)) return this.drop(c);
          for (const dir of this.heldTags.get(c.tag) ?? []) c[dir].hold();
        }
      }
      c.forward.push(d);
    });
    server.on('data', (d: Buffer) => c.back.push(d));
    // One side closed (or died): the bytes it sent are still on the wire and arrive after their delay;
    // then the other side sees the end. Nothing flows the other way any more.
    let closing = false;
    const closedBy = (side: 'client' | 'server') => () => {
      if (closing || !this.conns.has(c)) return;
      closing = true;
      const pipe = side === 'server' ? c.back : c.forward;
      const other = side === 'server' ? c.forward : c.back;
      const receiver = side === 'server' ? client : server;
      other.stop();
      pipe.drainThen(() => {
        // The receiver gets its last bytes, then the end of the stream.
        if (this.conns.delete(c)) receiver.end();
      });
    };
    client.on('error', closedBy('client'));
    server.on('error', closedBy('server'));
    client.on('close', closedBy('client'));
    server.on('close', closedBy('server'));
  }

  private drop(c: Conn): void {
    if (!this.conns.delete(c)) return;
    c.forward.stop();
    c.back.stop();
    c.client.destroy();
    c.server.destroy();
  }

  /** Cuts the link both ways: open connections die with what is in flight; new ones are refused. */
  cut(): void {
    this.isCut = true;
    for (const c of [...this.conns]) this.drop(c);
  }

  /** Ends a cut and any one-way block. */
  heal(): void {
    this.isCut = false;
    for (const d of [...this.heldDirs]) this.unblock(d);
    for (const t of [...this.cutTags]) this.healTag(t);
    for (const [t, dirs] of [...this.heldTags]) for (const d of [...dirs]) this.unblockTag(t, d);
  }

  /** Cuts the connections the end named `tag` dials (open ones die, new ones are dropped at their first bytes). */
  cutTag(tag: string): void {
    this.cutTags.add(tag);
    for (const c of [...this.conns]) if (c.tag === tag) this.drop(c);
  }

  healTag(tag: string): void {
    this.cutTags.delete(tag);
  }

  /** Holds what travels in `dir` on the connections `tag` dials, until `unblockTag`. */
  blockTag(tag: string, dir: Direction): void {
    let dirs = this.heldTags.get(tag);
    if (!dirs) this.heldTags.set(tag, (dirs = new Set()));
    dirs.add(dir);
    for (const c of this.conns) if (c.tag === tag) c[dir].hold();
  }

  unblockTag(tag: string, dir: Direction): void {
    const dirs = this.heldTags.get(tag);
    dirs?.delete(dir);
    if (dirs?.size === 0) this.heldTags.delete(tag);
    for (const c of this.conns) if (c.tag === tag && !this.heldDirs.has(dir)) c[dir].release();
  }

  /** One-way partition: chunks travelling in `dir` are held until `unblock`. */
  block(dir: Direction): void {
    this.heldDirs.add(dir);
    for (const c of this.conns) c[dir].hold();
  }

  unblock(dir: Direction): void {
    this.heldDirs.delete(dir);
    for (const c of this.conns) c[dir].release();
  }

  get cutNow(): boolean {
    return this.isCut;
  }

  get openConnections(): number {
    return this.conns.size;
  }

  /** Chunks queued in both directions over all connections. */
  get inFlight(): number {
    let n = 0;
    for (const c of this.conns) n += c.forward.inFlight + c.back.inFlight;
    return n;
  }

  async close(): Promise<void> {
    this.cut();
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
