// Leader loss under CockroachDB's defaults (heartbeat 1 s, election timeout
// 2 s drawn in [2 s, 4 s), lease 6 s, max clock offset 500 ms): the RTO
// window, derived by hand, and the 43-second partition of the leader's region.
import { describe, expect, it } from 'vitest';
import { replayCommand, run } from '../../helpers/scenario.ts';
import { AP, consensusSpec, EU, RTT_MS, US } from './helpers.ts';

const FAULT_S = 10;
const load = { [US]: { writes: '100/s', reads: '100/s' }, [EU]: { writes: '100/s', reads: '100/s' }, [AP]: { writes: '100/s', reads: '100/s' } };

/**
 * The RTO window after the us-east-1 leader is lost at F (hand-derived), when
 * the first election round decides:
 *
 * - The old leader's lease was last extended by a heartbeat or append it sent
 *   at s ∈ [F − heartbeat, F] (heartbeats every 1 s; acked at once), so it
 *   expires at E = s + 6 s ∈ [F + 5 s, F + 6 s] on its clock. With no clock
 *   skew, the new leader serves from E + 500 ms ∈ [F + 5.5 s, F + 6.5 s].
 * - The election ends earlier: a follower last heard the leader at ≥ F − 1 s,
 *   times out within 4 s, and pre-vote + vote take two eu-west-1 ↔
 *   ap-southeast-1 round trips (378 ms): ≤ F + 4.4 s < F + 5.5 s. So the lease
 *   wait decides, and requests that reached the new leader wait for it.
 * - The first acknowledged write then commits with the other survivor (189 ms
 *   + durability) and its ack reaches the client: 1 ms locally, ≤ 94.5 ms from
 *   ap-southeast-1 to eu-west-1's clients.
 *
 * RTO ∈ [5.5 s + 189 ms, 6.5 s + 189 ms + 94.5 ms] (+ 10 ms of slack for durability and rounding).
 */
const RTO_MIN_MS = 5500 + RTT_MS.euAp;
const RTO_MAX_MS = 6500 + RTT_MS.euAp + RTT_MS.euAp / 2 + 10;

/**
 * Each further round (a pre-vote refused by a follower still hearing the
 * old leader within its election timeout, or a split vote) costs at most a
 * fresh timeout (4 s) and its vote round trips (2 × 189 ms); when the
 * election rather than the lease decides, a gateway may also be waiting out
 * its retry backoff (≤ 1 s) before its next request reaches the new leader.
 */
function rtoMaxMs(rounds: number, lease: boolean): number {
  const election = 4000 + RTT_MS.usAp / 2 + 2 * RTT_MS.euAp + Math.max(0, rounds - 1) * (4000 + 2 * RTT_MS.euAp);
  const serving = Math.max(lease ? 6500 : 0, election);
  const backoff = lease && serving === 6500 ? 0 : 1000;
  return serving + backoff + RTT_MS.euAp + RTT_MS.euAp / 2 + 10;
}

describe('consensus failover', () => {
  it('a leader crash: one election, RTO within the window the election, vote round trips and lease wait allow; nothing acknowledged lost', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const spec = consensusSpec({ workload: { regions: load }, faults: [{ at: `${FAULT_S}s`, for: '60s', crash: { region: US } }] });
      const s = run(spec, { seed }).summary;
      const why = replayCommand(spec, seed);
      expect(s.invariantViolations, why).toEqual([]);
      expect(s.metrics.failovers.length, why).toBe(1);
      const f = s.metrics.failovers[0]!;
      expect(f.reason).toBe('election');
      expect(f.from).toBe(US);
      expect([EU, AP]).toContain(f.to);
      expect(f.faultAtMs).toBe(FAULT_S * 1000);
      expect(f.rtoMs, why).toBeGreaterThanOrEqual(RTO_MIN_MS);
      expect(f.rtoMs, why).toBeLessThanOrEqual(rtoMaxMs(s.metrics.consensus!.preVotes, true));
      if (s.metrics.consensus!.preVotes === 1) expect(f.rtoMs, why).toBeLessThanOrEqual(RTO_MAX_MS);
      expect(s.metrics.rpo.lostAckedWrites).toBe(0);
      expect(s.metrics.splitBrain.occurrences).toBe(0);
      expect(s.metrics.consensus?.maxTerm).toBeGreaterThanOrEqual(2);
      // The crashed region's replicas are down at the end; the others keep up.
      for (const ch of s.metrics.replication.channels) expect(ch.status, `${ch.source}->${ch.target}; ${why}`).toBe(ch.target === US ? 'failed' : 'active');
    }
  });

  it('without a lease the election alone bounds the RTO: [timeout 2 s − heartbeat 1 s + vote + commit, 4 s + votes + retry backoff + commit, more per extra round]', () => {
    // Followers last heard the leader in [F − 1 s, F]; they campaign 2–4 s later; pre-vote and vote take
    // 2 × 189 ms; the first write commits in 189 ms. A gateway whose request found no leader retries
    // after at most 1 s (its backoff cap), so the upper end allows that too (rtoMaxMs).
    const lo = 2000 - 1000 + 2 * RTT_MS.euAp + RTT_MS.euAp;
    for (let seed = 1; seed <= 8; seed++) {
      const spec = consensusSpec({ topology: { consensus: { leaseDuration: '0s' } }, workload: { regions: load }, faults: [{ at: `${FAULT_S}s`, for: '60s', crash: { region: US } }] });
      const s = run(spec, { seed }).summary;
      const why = replayCommand(spec, seed);
      expect(s.invariantViolations, why).toEqual([]);
      const f = s.metrics.failovers[0]!;
      expect(f.rtoMs, why).toBeGreaterThanOrEqual(lo);
      expect(f.rtoMs, why).toBeLessThanOrEqual(rtoMaxMs(s.metrics.consensus!.preVotes, false));
    }
  });

  it('a 43 s partition of the leader region: 0 acknowledged writes lost; its clients get no write; the others recover within the RTO window; the old leader steps down within an election timeout', () => {
    const F = 20;
    for (let seed = 1; seed <= 4; seed++) {
      const spec = consensusSpec({ duration: '90s', workload: { regions: load }, faults: [{ at: `${F}s`, for: '43s', partition: { isolate: US } }] });
      const r = run(spec, { seed, history: true });
      const s = r.summary;
      const why = replayCommand(spec, seed);
      expect(s.invariantViolations, why).toEqual([]);
      expect(s.metrics.rpo.lostAckedWrites, why).toBe(0);
      expect(s.metrics.splitBrain.occurrences).toBe(0);
      // No write acknowledged to a us-east-1 client while it is cut off.
      const usAcks = r.history.filter((h) => h.type === 'ok' && h.f === 'write' && h.region === US && h.timeUs > F * 1e6 && h.timeUs < (F + 43) * 1e6);
      expect(usAcks.length, why).toBe(0);
      // The rest recover: the first failover's RTO is inside the window derived above.
      const f = s.metrics.failovers[0]!;
      expect(f.from).toBe(US);
      expect(f.rtoMs, why).toBeGreaterThanOrEqual(RTO_MIN_MS);
      // The isolated old leader keeps starting pre-votes it cannot win, so count the winner's rounds from
      // when its winning campaign began: the RTO is the later of that campaign's end and the lease wait.
      const electedBy = f.startedAtMs - F * 1000 + 2 * RTT_MS.euAp;
      const bound = Math.max(6500, electedBy) + (electedBy > 6500 ? 1000 : 0) + RTT_MS.euAp + RTT_MS.euAp / 2 + 10;
      expect(f.rtoMs, why).toBeLessThanOrEqual(bound);
      const otherAcks = r.history.filter((h) => h.type === 'ok' && h.f === 'write' && h.region !== US && h.timeUs > F * 1e6 + RTO_MAX_MS * 1000 && h.timeUs < (F + 43) * 1e6);
      expect(otherAcks.length, why).toBeGreaterThan(1000);
      // Reads: us-east-1's fail from the old leader's step-down (≤ F + 2 s) to the heal, less the last
      // client timeout (5 s) whose reads are answered after it; the others' only until the new leader serves.
      const ru = s.metrics.consensus!.readUnavailableMs;
      expect(ru[US], why).toBeGreaterThan((43 - 2 - 5 - 1) * 1000);
      expect(ru[US], why).toBeLessThanOrEqual(43 * 1000);
      expect(ru[EU], why).toBeLessThanOrEqual(bound);
      expect(ru[AP], why).toBeLessThanOrEqual(bound);
      // Check-quorum: the old leader's last quorum contact was at or before F, so it steps down by F + 2 s.
      const lead = s.timeline.find((t) => t.region === US && t.role === 'primary' && t.startMs <= F * 1000 && t.endMs > F * 1000);
      expect(lead, why).toBeDefined();
      expect(lead!.endMs - F * 1000, why).toBeLessThanOrEqual(2000);
      expect(lead!.endMs - F * 1000, why).toBeGreaterThan(2000 - RTT_MS.usEu);
    }
  });

  it('after the partition heals, leadership returns to the preferred region by a transfer: within an election timeout plus catch-up, handing over at the old lease\'s end + 500 ms', () => {
    // Heal at H = 63 s. The new leader's next heartbeat reaches us-east-1 and its answer is back
    // within a heartbeat interval, so by H + 2 s it starts the transfer: it stops serving, catches
    // us-east-1 up (a probe per heartbeat at most), sends TimeoutNow; us-east-1 wins a vote
    // (75 ms round trip) and serves once its clock passes the handed-over lease end + 500 ms.
    // Hand-derived: done by H + 2 s + 1 s (probe) + 75 ms + 500 ms < H + 4 s; the write outage
    // the transfer causes is that hand-over: under 1.5 s from the campaign to the first ack.
    const H = 63_000;
    for (let seed = 1; seed <= 4; seed++) {
      const spec = consensusSpec({ duration: '90s', workload: { regions: load }, faults: [{ at: '20s', for: '43s', partition: { isolate: US } }] });
      const s = run(spec, { seed }).summary;
      const why = replayCommand(spec, seed);
      expect(s.invariantViolations, why).toEqual([]);
      const back = s.metrics.failovers.find((f) => f.to === US);
      expect(back, why).toBeDefined();
      expect([EU, AP]).toContain(back!.from);
      expect(back!.startedAtMs, why).toBeGreaterThan(H);
      expect(back!.completedAtMs - H, why).toBeLessThan(4000);
      expect(back!.rtoMs, why).toBeLessThan(1500);
      expect(s.metrics.rpo.lostAckedWrites).toBe(0);
      // It stays there: no leader change after it.
      expect(s.metrics.failovers[s.metrics.failovers.length - 1]!.to).toBe(US);
    }
  });
});
