// The scenario schema's prices: what a byte between regions, a byte inside a
// region and a database host's hour cost, for `metrics.cost`
// (docs/metrics.md, "Cost"). Prices are plain numbers in the user's
// currency; repsim builds none in. Region names are checked in
// validate-costs.ts.
import { z } from 'zod';

const Price = () => z.number().min(0).max(1e6);

export const CostsSchema = z
  .strictObject({
    transferPerGB: Price()
      .default(0)
      .describe('Price of 1 GB (10^9 bytes) sent from one region to another, for every pair not listed in `pairs`. Default 0.'),
    fromRegionPerGB: z
      .record(z.string(), Price())
      .default({})
      .describe('Price per GB of traffic leaving this region for any other (clouds such as AWS price inter-region transfer by the source region). Overrides transferPerGB; a listed pair overrides this.'),
    pairs: z
      .record(z.string(), z.record(z.string(), Price()))
      .default({})
      .describe('Price per GB between two regions, both directions: pairs[a][b] (either order; both orders must agree). Overrides transferPerGB for that pair.'),
    intraRegionPerGB: Price()
      .default(0)
      .describe('Price of 1 GB sent inside a region (client to database, replicas of one region to each other). Default 0.'),
    nodePerHour: z
      .record(z.string(), Price())
      .default({})
      .describe('Price of one database host for one hour, per region (a region not listed costs 0). Hosts are counted per topology (docs/metrics.md, "Cost").'),
  })
  .describe('Prices for metrics.cost: transfer per GB between and inside regions, and hosts per hour. Without this section the summary has no metrics.cost.');
