// The lab's measurement: the simulator's own recorder and read judge, fed
// through the same run events the model emits (sim/measure/events.ts). The
// lab has no epochs ledger of its own here (sim/lab/judge.ts fills the
// ledger from the recorded acks after the trial), so an ack is judged only
// by the recorder: a zombie primary's ack (an older epoch than the current
// one) is not a yardstick for staleness, as in the model.
import { EventHub, type RunEvents } from '../measure/events.ts';
import { Recorder } from '../measure/recorder.ts';
import { VersionJudge } from '../measure/judges.ts';

export interface LabMeasurementOptions {
  regionCount: number;
  sessionCount: number;
  warmupUs: number;
  /** The current epoch when an ack arrives (acks of older epochs are divergent). */
  currentEpoch: () => number;
}

export interface LabMeasurement {
  recorder: Recorder;
  judge: VersionJudge;
  events: RunEvents;
}

export function labMeasurement(o: LabMeasurementOptions): LabMeasurement {
  // No node's state is visible to the checker's pruning: it keeps every acknowledged write (bounded per row).
  const judge = new VersionJudge(o.sessionCount, () => 0);
  const recorder = new Recorder({ regionCount: o.regionCount, warmupUs: o.warmupUs, judge });
  const hub = new EventHub();
  hub.subscribe({ writeAcked: (op, ackUs, c) => recorder.acked(op, ackUs, c.version, c.epoch >= o.currentEpoch()) });
  hub.subscribe(recorder);
  return { recorder, judge, events: hub };
}
