// The memory estimate of a run, judged before it starts: the JS heap (node
// and the model's fixed structures, written rows, writes waiting on a
// replica, per-second series, fault windows) and the typed arrays off the
// heap (row arrays per node, client sessions), each a term tied to its field.
import { moments } from '../core/distributions.ts';
import { formatDurationUs } from '../core/units.ts';
import type { Scenario } from './schema.ts';
import { CALIBRATION, type Term } from './budget-terms.ts';
import { fmtCount } from './budget-format.ts';
import { ratePath, type RunLoad } from './budget-events.ts';

/** Replication backlog assumed even without faults (queueing, batching, RTT). */
const LAG_FLOOR_US = 10e6;

/** Expected distinct rows hit by `writes` uniform draws over `rows` rows (an upper bound for skewed keys). */
export function distinctRows(rows: number, writes: number): number {
  if (rows <= 0 || writes <= 0) return 0;
  return rows * -Math.expm1(-writes / rows);
}

export interface MemoryEstimate {
  heapTerms: Term[];
  offHeapTerms: Term[];
  /** Points of the per-second series in the summary. */
  seriesPoints: number;
}

/** `faultWindows` and `longestUs` as the event estimate read them from the faults. */
export function estimateMemory(sc: Scenario, load: RunLoad, faultWindows: number, longestUs: number): MemoryEstimate {
  const C = CALIBRATION;
  const T = sc.duration;
  const durationS = T / 1e6;
  const n = sc.regions.length;
  const kind = sc.topology.kind;
  const tables = sc.workload.tables;
  const rows = sc.workload.keys.count * tables.length;
  const keysPath = ['workload', 'keys', 'count'];
  const { writesPerS, busiestWriter } = load;

  const heapTerms: Term[] = [{ path: [], what: 'node and the model\'s fixed structures', amount: C.heapBaseBytes, value: 0, scaling: 'linear', unit: 'count' }];
  const offHeapTerms: Term[] = [];
  const totalWrites = writesPerS * durationS;
  const keyValue = sc.workload.keys.count;
  const rowsWhat = `${fmtCount(keyValue)} keys × ${tables.length} table${tables.length === 1 ? '' : 's'}`;
  if (totalWrites > 0) {
    const written = distinctRows(rows, totalWrites);
    heapTerms.push({
      path: keysPath, what: `${rowsWhat}, ~${fmtCount(written)} of them written`,
      amount: rows * C.heapPerRowBytes + written * C.heapPerWrittenRowBytes, value: keyValue, scaling: 'linear', unit: 'count',
    });
  }
  const rowArrays = kind === 'active-active' ? 2 * n + 1 : n;
  offHeapTerms.push({
    path: keysPath, what: `${rowsWhat} × ${rowArrays} row arrays`,
    amount: rows * rowArrays * C.offHeapPerRowPerNodeBytes, value: keyValue, scaling: 'linear', unit: 'count',
  });
  const sessions = sc.workload.sessions * n;
  offHeapTerms.push({
    path: ['workload', 'sessions'], what: `${fmtCount(sc.workload.sessions)} sessions × ${n} regions`,
    amount: sessions * C.offHeapPerSessionBytes, value: sc.workload.sessions, scaling: 'linear', unit: 'count',
  });

  // Writes waiting on a replica: the backlog of the slowest replica. A replica
  // that cannot keep up at all (apply, bandwidth or broker slower than the
  // writes) falls behind for the whole run; otherwise for the longest fault.
  const rep = sc.topology.replication;
  const filteredShare = tables.reduce((a, t) => a + (rep.filters.includes(t.name) ? t.share : 0), 0);
  const shippedPerS = kind === 'region-pinned' || n < 2 ? 0 : writesPerS * (1 - filteredShare);
  if (busiestWriter && shippedPerS > 0) {
    const applyMeanUs = Math.max(moments(rep.applyTime).mean, 0);
    const avgRowBytes = tables.reduce((a, t) => a + t.share * t.rowBytes, 0);
    const capacities = [
      applyMeanUs > 0 ? 1e6 / applyMeanUs : Infinity,
      avgRowBytes > 0 ? sc.network.bandwidth / avgRowBytes : Infinity,
      rep.channel === 'cdc' ? rep.cdcPartitions * rep.cdcThroughput : Infinity,
    ];
    const capacity = Math.min(...capacities);
    const overloaded = capacity <= shippedPerS;
    const windowUs = overloaded ? T : Math.min(T, LAG_FLOOR_US + longestUs);
    const pending = shippedPerS * (windowUs / 1e6);
    const why = overloaded
      ? `a replica applies at most ${fmtCount(capacity)} writes/s, so all ${fmtCount(pending)} writes of ${formatDurationUs(T)} may wait unapplied`
      : `${fmtCount(pending)} writes waiting on a replica (${formatDurationUs(windowUs)} of writes)`;
    const underCapacity = Math.floor((busiestWriter.writes * 0.9 * capacity) / shippedPerS);
    heapTerms.push({
      path: ratePath(busiestWriter.id, 'writes'), what: `${fmtCount(shippedPerS)} writes/s (all regions): ${why}`,
      amount: pending * C.heapPerPendingWriteBytes, value: busiestWriter.writes, scaling: 'linear', unit: 'rate',
      fit: overloaded
        ? (f) => `writes under what a replica applies fit (this region at about ${fmtCount(underCapacity)}/s or less, with the others as they are), or a duration up to about ${formatDurationUs(Math.floor(T * f))}`
        : (f) => `write rates of about ${Math.floor(f * 100)}% of these fit`,
    });
  }
  const channels = kind === 'active-active' ? n * (n - 1) : kind === 'single-primary' ? n - 1 : 0;
  const seriesPoints = durationS * (channels + 2);
  heapTerms.push({
    path: ['duration'], what: `per-second series over ${formatDurationUs(T)} (${channels + 2} in the summary)`,
    amount: seriesPoints * C.heapPerSeriesPointBytes, value: T, scaling: 'linear', unit: 'us',
  });
  if (faultWindows > 0) {
    const random = sc.faults.findIndex((f) => f.random !== undefined);
    heapTerms.push({
      path: random >= 0 ? ['faults', random, 'random', 'meanInterval'] : ['faults'], what: `${fmtCount(faultWindows)} fault windows in the summary`,
      amount: faultWindows * C.heapPerFaultWindowBytes, value: random >= 0 ? (sc.faults[random]?.random?.meanInterval ?? 1) : sc.faults.length,
      scaling: random >= 0 ? 'inverse' : 'linear', unit: random >= 0 ? 'us' : 'count',
    });
  }
  return { heapTerms, offHeapTerms, seriesPoints };
}
