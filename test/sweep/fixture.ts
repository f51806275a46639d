// A small, fast scenario (3 regions, 20 s simulated, a partition and a
// failover) written to a temp directory for the sweep and CLI tests.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SMALL_SCENARIO = `name: small-sweep
seed: 7
duration: 20s
warmup: 2s
regions:
  - id: us-east-1
  - id: eu-west-1
  - id: ap-southeast-1
network:
  rtt:
    us-east-1: { eu-west-1: 75ms, ap-southeast-1: 222ms }
    eu-west-1: { ap-southeast-1: 189ms }
topology:
  kind: single-primary
  primary: us-east-1
failover: { mode: automatic, controller: eu-west-1, detectionTimeout: 3s, fencing: stonith }
workload:
  regions:
    us-east-1: { writes: 60/s, reads: 100/s }
    eu-west-1: { writes: 30/s, reads: 50/s }
    ap-southeast-1: { writes: 10/s, reads: 50/s }
faults:
  - at: 8s
    partition: { isolate: us-east-1 }
    for: 6s
variants:
  - name: stonith
  - name: nofence
    set: { failover.fencing: none }
`;

/** A fresh temp directory holding small.yaml; returns the directory. */
export function tempWithScenario(): { dir: string; scenario: string } {
  const dir = mkdtempSync(join(tmpdir(), 'repsim-sweep-'));
  const scenario = join(dir, 'small.yaml');
  writeFileSync(scenario, SMALL_SCENARIO);
  return { dir, scenario };
}
