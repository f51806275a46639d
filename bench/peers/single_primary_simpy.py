"""The benchmark scenario (bench/three-region-hour.yaml, single-primary async)
written in SimPy 3, as a user would write it instead of using repsim.

Model (the same semantics as repsim; README "What the model does"):
- Three regions; one-way network delay = RTT/2 + max(0, lognormal jitter)
  (median 2 ms, sigma 0.5). Datagrams (client requests and replies) sent on a
  cut link are lost, and so is one in flight when the link is cut.
- Per region, Poisson writes and reads over zipf(0.99) keys in two tables
  (shares 0.8 / 0.2, rows of 512 / 128 bytes); each operation belongs to one
  of 10,000 sessions of its region.
- The primary (us-east-1) commits each write at once; a client in the primary's
  region gets its answer after the intra-region RTT (1 ms), a client elsewhere
  pays the one-way delay to the primary and back. A client without an answer
  counts the operation failed after 5 s.
- 30% of acknowledged writes are followed by a read of the same row by the same
  session after an exponential delay (mean 500 ms). Reads go to the local
  replica, unless the session wrote within the last 5 s (read-your-writes
  "wrote-recently"): then they go to the primary.
- Every 10 ms the primary ships what it committed since the last batch to
  each replica on a FIFO stream: the batch (its row bytes + 64) is serialised
  at 100 MB/s behind earlier traffic on the link, then pays the one-way delay,
  and never overtakes the previous batch. The replica acknowledges what it
  received; after a cut, shipping resumes from the last acknowledged LSN
  (duplicates are skipped on arrival).
- Each replica applies records in order, one at a time, each taking an
  exponential time (mean 50 us): a Store of batches feeding an apply process.
- A read is stale (docs/metrics.md) when a write to its row was acknowledged
  to its client before the read began and the version returned is older.
  Staleness = read start - ack time of the oldest such write.
- Replication lag = apply time on a replica - commit time on the primary,
  per applied write.
- The scenario's fault: ap-southeast-1 is cut off from both other regions
  at 20 min for 1 min.

Prints one JSON line per seed: the headline metrics (mean replication lag,
stale-read fraction, p99 staleness), writes, SimPy's event count and the wall
time of the simulation.

Usage: /usr/bin/python3 bench/peers/single_primary_simpy.py [--seed 7 | --seeds 1-10]
           [--duration 3600] [--partition-at 1200] [--partition-for 60]
(times in seconds). Needs SimPy 3 (Debian: apt-get install python3-simpy3).
"""
import argparse
import bisect
import itertools
import json
import math
import random
import time

import simpy

# --- the scenario (bench/three-region-hour.yaml) -----------------------------
REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-1']
RTT = {(0, 1): 0.075, (0, 2): 0.222, (1, 2): 0.189}  # seconds
JITTER_MEDIAN = 0.002
JITTER_SIGMA = 0.5
BANDWIDTH = 100e6  # bytes per second
INTRA_RTT = 0.001
PRIMARY = 0
SHIP_INTERVAL = 0.010
APPLY_MEAN = 50e-6
RYW_TTL = 5.0
CLIENT_TIMEOUT = 5.0
KEYS = 100_000
ZIPF_S = 0.99
TABLES = [(0.8, 512), (0.2, 128)]  # (share, row bytes)
LOAD = [(300, 1200), (200, 800), (100, 400)]  # (writes/s, reads/s) per region
SESSIONS = 10_000
RAW_PROBABILITY = 0.3
RAW_DELAY_MEAN = 0.5
ISOLATED = 2  # ap-southeast-1


class Link:
    """One direction between two regions."""

    def __init__(self, rtt, rng):
        self.half = rtt / 2
        self.rng = rng
        self.cut = False
        self.epoch = 0  # bumped at each cut: what was in flight is lost
        self.busy_until = 0.0  # serialisation backlog of stream traffic
        self.last_arrival = 0.0  # FIFO: a stream message never overtakes the previous one

    def delay(self):
        return self.half + max(0.0, self.rng.lognormvariate(math.log(JITTER_MEDIAN), JITTER_SIGMA))

    def stream_arrival(self, now, nbytes):
        start = max(self.busy_until, now)
        self.busy_until = start + nbytes / BANDWIDTH
        at = max(self.busy_until + self.delay(), self.last_arrival)
        self.last_arrival = at
        return at


class Node:
    def __init__(self, env, rows):
        self.version = [0] * rows
        self.received = 0  # LSN received (replica) or written (primary)
        self.inbox = simpy.Store(env)


class Stats:
    def __init__(self):
        self.writes = 0
        self.writes_acked = 0
        self.reads = 0
        self.reads_failed = 0
        self.stale = 0
        self.staleness = []
        self.lag_sum = 0.0
        self.lag_count = 0


def simulate(seed, duration, partition_at, partition_for):
    env = simpy.Environment()
    rng = random.Random(seed)
    n = len(REGIONS)
    links = [[None if a == b else Link(RTT[min(a, b), max(a, b)], rng) for b in range(n)] for a in range(n)]
    rows = KEYS * len(TABLES)
    nodes = [Node(env, rows) for _ in range(n)]
    primary = nodes[PRIMARY]
    stats = Stats()
    # Zipf key popularity and table choice, as cumulative weights.
    key_cdf = list(itertools.accumulate(1 / (k + 1) ** ZIPF_S for k in range(KEYS)))
    table_cdf = list(itertools.accumulate(share for share, _ in TABLES))
    last_write = [-math.inf] * (n * SESSIONS)  # ack time of each session's last write
    acked = {}  # row -> [[version, ack time], ...] not yet visible everywhere
    wal = []  # primary's log: (lsn end, version, row, bytes, commit time)
    wal_lsn = []  # lsn end per record, for resuming after a cut
    version_seq = itertools.count(1)

    # --- staleness (docs/metrics.md) --------------------------------------------
    def write_acked(session, row, version, ack):
        last_write[session] = ack
        floor = min(node.version[row] for node in nodes)
        if version <= floor:
            return
        entries = [e for e in acked.get(row, ()) if e[0] > floor]
        entries.append((version, ack))
        acked[row] = entries

    def read_served(row, version, start):
        stats.reads += 1
        oldest = math.inf
        for v, ack in acked.get(row, ()):
            if v > version and ack < start and ack < oldest:
                oldest = ack
        if oldest != math.inf:
            stats.stale += 1
            stats.staleness.append(start - oldest)

    # --- clients ---------------------------------------------------------------
    def commit(row, nbytes):
        version = next(version_seq)
        primary.received += nbytes
        wal.append((primary.received, version, row, nbytes, env.now))
        wal_lsn.append(primary.received)
        primary.version[row] = version
        return version

    def fail_write(invoke):
        yield env.timeout(invoke + CLIENT_TIMEOUT - env.now)
        stats.writes += 1

    def fail_read(invoke):
        yield env.timeout(invoke + CLIENT_TIMEOUT - env.now)
        stats.reads += 1
        stats.reads_failed += 1

    def after_write(region, session, row, version, ack):
        stats.writes += 1
        stats.writes_acked += 1
        write_acked(session, row, version, ack)
        if rng.random() < RAW_PROBABILITY:
            at = ack + rng.expovariate(1 / RAW_DELAY_MEAN)
            if at < duration:
                env.process(follow_up(region, session, row, at))

    def remote_write(region, session, row, nbytes, invoke):
        up, down = links[region][PRIMARY], links[PRIMARY][region]
        if up.cut:
            yield from fail_write(invoke)
            return
        epoch = up.epoch
        yield env.timeout(up.delay())
        if up.epoch != epoch:
            yield from fail_write(invoke)
            return
        version = commit(row, nbytes)
        if down.cut:
            yield from fail_write(invoke)
            return
        epoch = down.epoch
        yield env.timeout(down.delay())
        if down.epoch != epoch:
            yield from fail_write(invoke)
            return
        after_write(region, session, row, version, env.now)

    def remote_read(region, row, invoke):
        up, down = links[region][PRIMARY], links[PRIMARY][region]
        if up.cut:
            yield from fail_read(invoke)
            return
        epoch = up.epoch
        yield env.timeout(up.delay())
        if up.epoch != epoch or down.cut:
            yield from fail_read(invoke)
            return
        version = primary.version[row]
        epoch = down.epoch
        yield env.timeout(down.delay())
        if down.epoch != epoch:
            yield from fail_read(invoke)
            return
        read_served(row, version, invoke)

    def read(region, session, row):
        now = env.now
        if region == PRIMARY:
            read_served(row, primary.version[row], now)
        elif now - last_write[session] < RYW_TTL:
            env.process(remote_read(region, row, now))
        else:
            read_served(row, nodes[region].version[row], now)

    def follow_up(region, session, row, at):
        yield env.timeout(at - env.now)
        read(region, session, row)

    def pick_row():
        table = bisect.bisect(table_cdf, rng.random() * table_cdf[-1])
        key = bisect.bisect(key_cdf, rng.random() * key_cdf[-1])
        return table * KEYS + key, TABLES[table][1]

    def writer(region, rate):
        while True:
            yield env.timeout(rng.expovariate(rate))
            row, nbytes = pick_row()
            session = region * SESSIONS + rng.randrange(SESSIONS)
            if region == PRIMARY:
                version = commit(row, nbytes)
                after_write(region, session, row, version, env.now + INTRA_RTT)
            else:
                env.process(remote_write(region, session, row, nbytes, env.now))

    def reader(region, rate):
        while True:
            yield env.timeout(rng.expovariate(rate))
            row, _ = pick_row()
            read(region, region * SESSIONS + rng.randrange(SESSIONS), row)

    # --- replication -----------------------------------------------------------
    class Channel:
        def __init__(self, target):
            self.target = target
            self.link = links[PRIMARY][target]
            self.back = links[target][PRIMARY]
            self.epoch = self.link.epoch
            self.sent = 0  # LSN sent on the current link epoch
            self.acked = 0  # LSN the replica acknowledged

    channels = [Channel(r) for r in range(n) if r != PRIMARY]

    def shipper():
        while True:
            yield env.timeout(SHIP_INTERVAL)
            for ch in channels:
                if ch.link.cut or primary.received <= ch.sent:
                    continue
                if ch.link.epoch != ch.epoch:
                    ch.epoch = ch.link.epoch
                    ch.sent = ch.acked
                first = bisect.bisect_right(wal_lsn, ch.sent)
                batch = wal[first:]
                ch.sent = primary.received
                at = ch.link.stream_arrival(env.now, sum(r[3] for r in batch) + 64)
                env.process(deliver(ch, batch, ch.sent, ch.epoch, at))
            trim_wal()

    def trim_wal():
        # Keep only what some replica has not acknowledged.
        keep_from = bisect.bisect_right(wal_lsn, min(ch.acked for ch in channels))
        if keep_from > 4096:
            del wal[:keep_from]
            del wal_lsn[:keep_from]

    def deliver(ch, batch, end_lsn, epoch, at):
        yield env.timeout(at - env.now)
        if ch.link.epoch != epoch:
            return  # lost with the link
        node = nodes[ch.target]
        fresh = [r for r in batch if r[0] > node.received]
        if fresh:
            node.inbox.put(fresh)
        node.received = max(node.received, end_lsn)
        back_epoch = ch.back.epoch
        ack_at = ch.back.stream_arrival(env.now, 32)
        yield env.timeout(ack_at - env.now)
        if ch.back.epoch == back_epoch:
            ch.acked = max(ch.acked, node.received)

    def applier(node):
        while True:
            batch = yield node.inbox.get()
            for _lsn, version, row, _bytes, committed in batch:
                yield env.timeout(rng.expovariate(1 / APPLY_MEAN))
                if version > node.version[row]:
                    node.version[row] = version
                stats.lag_sum += env.now - committed
                stats.lag_count += 1

    # --- the fault -------------------------------------------------------------
    def partition():
        yield env.timeout(partition_at)
        pairs = [(ISOLATED, b) for b in range(n) if b != ISOLATED] + [(b, ISOLATED) for b in range(n) if b != ISOLATED]
        for a, b in pairs:
            link = links[a][b]
            link.cut = True
            link.epoch += 1
            link.busy_until = env.now
        yield env.timeout(partition_for)
        for a, b in pairs:
            links[a][b].cut = False

    for region, (writes, reads) in enumerate(LOAD):
        env.process(writer(region, writes))
        env.process(reader(region, reads))
    env.process(shipper())
    for ch in channels:
        env.process(applier(nodes[ch.target]))
    if partition_at < duration:
        env.process(partition())
    env.run(until=duration)
    return stats, next(env._eid)


def percentile(values, p):
    if not values:
        return 0.0
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--seed', type=int, default=7)
    p.add_argument('--seeds', help='a range a-b: one JSON line per seed')
    p.add_argument('--duration', type=float, default=3600.0)
    p.add_argument('--partition-at', type=float, default=1200.0)
    p.add_argument('--partition-for', type=float, default=60.0)
    a = p.parse_args()
    if a.seeds:
        lo, hi = (int(x) for x in a.seeds.split('-'))
        seeds = range(lo, hi + 1)
    else:
        seeds = [a.seed]
    for seed in seeds:
        t0 = time.perf_counter()
        stats, events = simulate(seed, a.duration, a.partition_at, a.partition_for)
        wall = time.perf_counter() - t0
        served = stats.reads - stats.reads_failed
        print(json.dumps({
            'case': 'simpy-single-primary',
            'seed': seed,
            'simulatedS': a.duration,
            'writes': stats.writes,
            'writesAcked': stats.writes_acked,
            'reads': stats.reads,
            'staleReads': stats.stale,
            'staleFraction': stats.stale / served if served else 0,
            'stalenessP99Ms': percentile(stats.staleness, 99) * 1000,
            'lagMeanMs': stats.lag_sum / stats.lag_count * 1000 if stats.lag_count else 0,
            'events': events,
            'wallS': round(wall, 3),
            'simulatedWritesPerWallS': round(stats.writes / wall),
        }, separators=(',', ':')), flush=True)


if __name__ == '__main__':
    main()
