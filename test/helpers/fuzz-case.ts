// One fuzz case, judged: the generated scenario is written as a YAML file,
// run twice in a worker thread (fuzz-worker.ts) under a wall-clock limit,
// and the verdict says what, if anything, went wrong:
//   - a run that does not answer within the limit is a hang (the worker is
//     terminated and replaced; the no-progress guard of sim/core/run-to-end.ts
//     should have turned a livelock into a ModelDefect long before);
//   - an unexpected exception, a failed check or a model defect (exit 1) is a
//     failure; a refusal (exit 2) passes only when every problem is located
//     in the file (`FILE:line:col: ...` or `FILE: ...`);
//   - a summary must pass summaryProblems (summary-sanity.ts), and the second
//     run must give the same JSON bytes (same seed, same bytes).
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { Summary } from '../../sim/scenario/summary-types.ts';
import { allKnown, summaryProblems } from './summary-sanity.ts';
import type { ScenarioSpec } from './scenario-arbitrary.ts';

export type RunEnd =
  | { kind: 'summary'; summary: Summary; json: string; durationMs: number }
  | { kind: 'refused'; problems: string[] }
  | { kind: 'check-failure'; defect: boolean; message: string }
  | { kind: 'exception'; message: string };
export interface WorkerRequest { id: number; file: string }
export interface WorkerReply { id: number; first: RunEnd; second: RunEnd }

export type Verdict =
  | { ok: true; outcome: 'ran' | 'refused'; ms: number }
  /** `known`: every problem is the symptom of a known defect (summary-sanity.ts, KNOWN_DEFECTS). */
  | { ok: false; symptom: string; detail: string; ms: number; known: boolean };

const WORKER = fileURLToPath(new URL('./fuzz-worker.js', import.meta.url));

/** Runs cases one at a time in one worker thread, replaced after a hang or a crash of the thread. */
export class FuzzRunner {
  private worker: Worker | undefined;
  private next = 0;
  constructor(readonly timeoutMs: number) {}

  /** Both runs of a file, or why there are none. */
  private runFile(file: string): Promise<WorkerReply | { hang: true } | { threadError: string }> {
    const w = (this.worker ??= new Worker(WORKER));
    const id = this.next++;
    return new Promise((resolve) => {
      const done = (r: WorkerReply | { hang: true } | { threadError: string }, kill: boolean) => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        if (kill) {
          void w.terminate();
          this.worker = undefined;
        }
        resolve(r);
      };
      const onMessage = (m: WorkerReply) => m.id === id && done(m, false);
      const onError = (e: Error) => done({ threadError: e.stack ?? e.message }, true);
      const onExit = (code: number) => done({ threadError: `worker exited with code ${code}` }, true);
      const timer = setTimeout(() => done({ hang: true }, true), this.timeoutMs);
      w.on('message', onMessage);
      w.once('error', onError);
      w.once('exit', onExit);
      w.postMessage({ id, file } satisfies WorkerRequest);
    });
  }

  /** Writes the scenario to `file` and judges it. */
  judge(spec: ScenarioSpec, file: string): Promise<Verdict> {
    writeFileSync(file, scenarioYaml(spec));
    return this.judgeFile(file);
  }

  /** Judges a scenario file. */
  async judgeFile(file: string): Promise<Verdict> {
    const t0 = performance.now();
    const r = await this.runFile(file);
    const ms = performance.now() - t0;
    const fail = (symptom: string, detail = symptom, known = false): Verdict => ({ ok: false, symptom, detail, ms, known });
    if ('hang' in r) return fail(`no answer within ${this.timeoutMs / 1000} s of wall time (a hang the no-progress guard did not catch)`);
    if ('threadError' in r) return fail(`the worker thread died: ${firstLine(r.threadError)}`, r.threadError);
    const end = endProblem(r.first, file);
    if (end) return { ...end, ms, known: false };
    if (r.first.kind === 'refused') {
      const same = r.second.kind === 'refused' && r.second.problems.join('\n') === r.first.problems.join('\n');
      return same ? { ok: true, outcome: 'refused', ms } : fail('refused once, then not (or differently): the validator is not deterministic');
    }
    if (r.first.kind !== 'summary') return fail(`unexpected run end ${r.first.kind}`);
    const problems = summaryProblems(r.first.summary, r.first.durationMs);
    const known = allKnown(problems);
    if (problems.length > 0 && !known) return fail(problems[0] as string, problems.join('\n'));
    if (r.second.kind !== 'summary' || r.second.json !== r.first.json) {
      const at = r.second.kind === 'summary' ? firstDifference(r.first.json, r.second.json) : `the second run ended ${r.second.kind}`;
      return fail(`same seed, different bytes: ${at}`);
    }
    if (known) return fail(problems[0] as string, problems.join('\n'), true);
    return { ok: true, outcome: 'ran', ms };
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }
}

/** What is wrong with how a run ended, if anything (a summary or a located refusal is fine). */
function endProblem(e: RunEnd, file: string): { ok: false; symptom: string; detail: string } | undefined {
  switch (e.kind) {
    case 'summary':
      return undefined;
    case 'refused': {
      const unlocated = e.problems.filter((p) => !p.startsWith(`${file}:`));
      return unlocated.length === 0 ? undefined : { ok: false, symptom: `refused with a problem not located in the file: ${firstLine(unlocated[0] as string)}`, detail: e.problems.join('\n') };
    }
    case 'check-failure':
      return { ok: false, symptom: `exit 1, ${e.defect ? 'model defect' : 'check failed'}: ${firstLine(e.message)}`, detail: e.message };
    case 'exception':
      return { ok: false, symptom: `unexpected exception (a stack trace from the CLI): ${firstLine(e.message)}`, detail: e.message };
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `first difference at byte ${i}: ${JSON.stringify(a.slice(Math.max(0, i - 40), i + 40))} vs ${JSON.stringify(b.slice(Math.max(0, i - 40), i + 40))}`;
}

/** The scenario as the YAML file `repsim run` reads. */
export function scenarioYaml(spec: ScenarioSpec): string {
  return stringify(spec, { lineWidth: 0 });
}
