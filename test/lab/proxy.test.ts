// The lab's delay proxy on loopback, without PostgreSQL: an echo server
// behind it. Delays are the configured one-way delays (hand-derived bounds:
// a round trip through the proxy takes at least 2 × the one-way delay);
// order is FIFO even when later chunks draw shorter delays; a cut kills open
// connections and refuses new ones until the heal; a one-way block holds one
// direction and delivers its chunks, in order, after the heal.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { DelayProxy, type Direction } from '../../sim/lab/proxy.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await (cleanups.pop() as () => Promise<void> | void)();
});

async function echoServer(): Promise<number> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }));
  const a = server.address();
  return typeof a === 'object' && a ? a.port : 0;
}

async function proxyTo(port: number, delayUs: (d: Direction) => number): Promise<DelayProxy> {
  const p = new DelayProxy({ targetPort: port, delayUs });
  await p.start();
  cleanups.push(() => p.close());
  return p;
}

function client(port: number): Promise<{ sock: Socket; received: () => string; closed: () => boolean }> {
  return new Promise((resolve, reject) => {
    let buf = '';
    let closed = false;
    const sock = connect({ host: '127.0.0.1', port, noDelay: true }, () => resolve({ sock, received: () => buf, closed: () => closed }));
    sock.on('data', (d) => (buf += d.toString()));
    sock.on('close', () => (closed = true));
    sock.on('error', (e) => (closed ? undefined : reject(e)));
    cleanups.push(() => { sock.destroy(); });
  });
}

async function until(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('DelayProxy', () => {
  it('delays each direction by its one-way delay: an echo round trip takes ≥ forward + back', async () => {
    const p = await proxyTo(await echoServer(), (d) => (d === 'forward' ? 30_000 : 20_000));
    const c = await client(p.port);
    const t0 = performance.now();
    c.sock.write('ping');
    await until(() => c.received() === 'ping');
    const rtt = performance.now() - t0;
    expect(rtt).toBeGreaterThanOrEqual(50 - 0.5);
    expect(rtt).toBeLessThan(50 + 40); // generous: timers on a shared machine
  });

  it('keeps FIFO order when later chunks draw shorter delays', async () => {
    // Delays fall from 40 ms to 0 chunk by chunk: without the FIFO rule the last would arrive first.
    let next = 40_000;
    const p = await proxyTo(await echoServer(), (d) => (d === 'forward' ? Math.max(0, (next -= 4000) + 4000) : 0));
    const c = await client(p.port);
    const parts = Array.from({ length: 10 }, (_, i) => `<${i}>`);
    for (const s of parts) {
      c.sock.write(s);
      await new Promise((r) => setTimeout(r, 1));
    }
    await until(() => c.received().length === parts.join('').length);
    expect(c.received()).toBe(parts.join(''));
  });

  it('a cut destroys open connections and refuses new ones; a heal lets them in again', async () => {
    const p = await proxyTo(await echoServer(), () => 1000);
    const c = await client(p.port);
    c.sock.write('a');
    await until(() => c.received() === 'a');
    p.cut();
    await until(() => c.closed());
    expect(p.openConnections).toBe(0);
    const refused = await client(p.port);
    await until(() => refused.closed());
    expect(refused.received()).toBe('');
    p.heal();
    const again = await client(p.port);
    again.sock.write('b');
    await until(() => again.received() === 'b');
  });

  it('drops what is in flight when cut (the message never reaches the target)', async () => {
    const port = await echoServer();
    const p = await proxyTo(port, () => 50_000);
    const c = await client(p.port);
    c.sock.write('lost');
    await new Promise((r) => setTimeout(r, 5));
    expect(p.inFlight).toBe(1);
    p.cut();
    await until(() => c.closed());
    expect(c.received()).toBe('');
  });

  it('a one-way block holds one direction; after the heal its chunks arrive in order', async () => {
    const p = await proxyTo(await echoServer(), () => 1000);
    const c = await client(p.port);
    p.block('back');
    c.sock.write('x');
    c.sock.write('y');
    await new Promise((r) => setTimeout(r, 60));
    expect(c.received()).toBe('');
    expect(c.closed()).toBe(false);
    p.heal();
    await until(() => c.received() === 'xy');
  });

  it('a slow factor multiplies the delay', async () => {
    const p = await proxyTo(await echoServer(), () => 10_000);
    p.factor = 4;
    const c = await client(p.port);
    const t0 = performance.now();
    c.sock.write('s');
    await until(() => c.received() === 's');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(80 - 0.5);
  });
});

describe('DelayProxy when one side closes', () => {
  it('bytes a crashed sender already sent still arrive after their delay, then the stream ends', async () => {
    // A server that writes one message and dies at once (as a kill -9 after a send).
    const server: Server = createServer((s) => {
      s.on('error', () => undefined);
      s.end('sent-before-crash');
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const a = server.address();
    const p = await proxyTo(typeof a === 'object' && a ? a.port : 0, () => 30_000);
    const c = await client(p.port);
    await until(() => c.closed());
    expect(c.received()).toBe('sent-before-crash');
  });
});
