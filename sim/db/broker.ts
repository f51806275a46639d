// The log broker of a CDC channel: P partitions, each a FIFO queue.
//
// A row change is published to partition `rowId % P`. Each partition adds
// its own sampled delay per message and serves messages one after another
// at `throughputPerS`, so a message is delivered at
//   max(previous delivery on its partition, ready + delay) + 1/throughput,
// where `ready` is when it reached the broker. Deliveries on one partition
// never overtake each other (so two changes to one row stay in order);
// deliveries on different partitions may. Each partition draws from its own
// RNG stream.
//
// Owns partition assignment and delivery times only: it holds no messages
// and schedules nothing (the channel, sim/db/channel.ts, schedules each
// delivery at the time `publish` returns; the target's CDC receiver,
// sim/db/cdc-receiver.ts, puts them back in order). Knows nothing of WALs,
// nodes or the network.
import type { Rng } from '../core/rng.ts';
import type { Sampler } from '../core/distributions.ts';

export interface BrokerOptions {
  /** Number of partitions (≥ 1). */
  partitions: number;
  /** Messages each partition delivers per second. */
  throughputPerS: number;
  /** Per-message broker delay, µs. */
  delay: Sampler;
  /** The RNG stream of partition `i`. */
  rngOf: (partition: number) => Rng;
}

export class Broker {
  readonly partitions: number;
  private readonly serviceUs: number;
  private readonly delay: Sampler;
  private readonly rngs: Rng[];
  /** Per partition: time its last message was delivered, µs. */
  private readonly lastDeliveryUs: number[];

  constructor(o: BrokerOptions) {
    if (!(Number.isInteger(o.partitions) && o.partitions >= 1)) throw new Error(`invariant: broker partitions must be a positive integer (${o.partitions})`);
    if (!(o.throughputPerS > 0)) throw new Error(`invariant: broker throughput must be positive (${o.throughputPerS})`);
    this.partitions = o.partitions;
    this.serviceUs = 1e6 / o.throughputPerS;
    this.delay = o.delay;
    this.rngs = Array.from({ length: o.partitions }, (_, i) => o.rngOf(i));
    this.lastDeliveryUs = this.rngs.map(() => 0);
  }

  /** The partition a row's changes go to. */
  partitionOf(rowId: number): number {
    return rowId % this.partitions;
  }

  /** Publishes one change of `rowId` that reached the broker at `readyUs`; returns its delivery time, µs. */
  publish(rowId: number, readyUs: number): number {
    const p = this.partitionOf(rowId);
    const arrive = readyUs + this.delay(this.rngs[p] as Rng);
    const prev = this.lastDeliveryUs[p] as number;
    const at = Math.round((arrive > prev ? arrive : prev) + this.serviceUs);
    this.lastDeliveryUs[p] = at;
    return at;
  }
}
