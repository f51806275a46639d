"""M/M/1 (lambda = 0.8, mu = 1) in SimPy 3, the reference for bench/engine.ts.

--style process (default, case "simpy"): the idiomatic SimPy model. A source
process spawns one process per customer, which requests a capacity-1 Resource
and holds it for an exponential service time (about 6 SimPy events a customer).
--style callbacks (case "simpy-callbacks"): the same queue written the way
bench/engine.ts is, two timeouts a customer with plain callbacks, so it times
SimPy's event loop rather than its process machinery.

Prints one JSON line with the same figures as bench/engine.ts. `events` is
SimPy's own count of scheduled events (its event-id counter), so events/s is
comparable across engines only for the callbacks style; customers/s always is.

Usage: /usr/bin/python3 bench/mm1_simpy.py [--customers 1000000] [--seed 1] [--style process|callbacks]
Needs SimPy 3 (Debian: apt-get install python3-simpy3).
"""
import argparse
import collections
import json
import math
import random
import time

import simpy

LAMBDA = 0.8
MU = 1.0
BATCHES = 100


def run_process(customers, seed):
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=1)
    arrivals = random.Random(seed * 2 + 1)
    service = random.Random(seed * 2 + 2)
    sojourns = []

    def customer():
        t0 = env.now
        with server.request() as req:
            yield req
            yield env.timeout(service.expovariate(MU))
        sojourns.append(env.now - t0)

    def source():
        for _ in range(customers):
            yield env.timeout(arrivals.expovariate(LAMBDA))
            env.process(customer())

    env.process(source())
    env.run()
    return sojourns, next(env._eid)


def run_callbacks(customers, seed):
    env = simpy.Environment()
    arrivals = random.Random(seed * 2 + 1)
    service = random.Random(seed * 2 + 2)
    queue = collections.deque()
    sojourns = []
    state = {'arrived': 0, 'busy': False}

    def serve():
        env.timeout(service.expovariate(MU)).callbacks.append(depart)

    def depart(_event):
        sojourns.append(env.now - queue.popleft())
        if queue:
            serve()
        else:
            state['busy'] = False

    def arrive(_event):
        queue.append(env.now)
        state['arrived'] += 1
        if state['arrived'] < customers:
            env.timeout(arrivals.expovariate(LAMBDA)).callbacks.append(arrive)
        if not state['busy']:
            state['busy'] = True
            serve()

    env.timeout(arrivals.expovariate(LAMBDA)).callbacks.append(arrive)
    env.run()
    return sojourns, next(env._eid)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--customers', type=int, default=1_000_000)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--style', choices=['process', 'callbacks'], default='process')
    a = p.parse_args()
    run = run_process if a.style == 'process' else run_callbacks
    t0 = time.perf_counter()
    sojourns, events = run(a.customers, a.seed)
    wall = time.perf_counter() - t0
    n = len(sojourns)
    assert n == a.customers, f'{n} of {a.customers} customers departed'
    mean = math.fsum(sojourns) / n
    size = n // BATCHES
    bounds = [b * size for b in range(BATCHES)] + [n]  # the last batch takes the remainder
    means = [math.fsum(sojourns[lo:hi]) / (hi - lo) for lo, hi in zip(bounds, bounds[1:])]
    m = sum(means) / BATCHES
    stderr = math.sqrt(sum((x - m) ** 2 for x in means) / (BATCHES - 1) / BATCHES)
    expected = 1 / (MU - LAMBDA)
    print(json.dumps({
        'case': 'simpy' if a.style == 'process' else 'simpy-callbacks',
        'customers': n,
        'events': events,
        'wallS': round(wall, 4),
        'customersPerS': round(n / wall),
        'eventsPerS': round(events / wall),
        'meanTimeInSystem': round(mean, 4),
        'stderr': round(stderr, 4),
        'expected': round(expected, 6),
        'ok': abs(mean - expected) < 4 * stderr,
    }, separators=(',', ':')))


if __name__ == '__main__':
    main()
