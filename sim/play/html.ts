// The playground's one HTML file: the page shell and stylesheet, the bundled
// scenarios as JSON, the run worker's script as inert text (the page turns it
// into a Blob URL, which a page opened from file:// may start), and the
// page's script. Everything is inline: the file opens with no server and
// makes no request. Pure: builds the string; write.ts writes it.
import { escapeHtml as esc } from '../report/html-kit.ts';

/** A scenario the page offers. */
export interface PlaygroundScenario {
  /** The scenario's name (the fragment `#s=NAME` opens it). */
  name: string;
  /** The file label its problems are located in, as the CLI names it. */
  file: string;
  text: string;
}

export interface PlaygroundInput {
  scenarios: readonly PlaygroundScenario[];
  pageScript: string;
  workerScript: string;
  version: string;
}

/**
 * Script text safe inside a <script> element: `</script` becomes `<\/script`
 * (the same string, regular expression or template in JavaScript). A `<!--`
 * could switch the HTML parser into its escaped script state; esbuild's
 * output has none, and one appearing is refused rather than rewritten.
 */
export function scriptSafe(js: string): string {
  if (js.includes('<!--')) throw new Error('invariant: a playground script contains "<!--", which an inline script cannot hold safely');
  return js.replace(/<\/(script)/gi, '<\\/$1');
}

/** JSON safe inside a <script type="application/json"> element. */
export function jsonScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

const CSS = `
:root { --ink: #1b1b1b; --muted: #5a5a5a; --rule: #d4d4d4; --best: #e3f1e6; --accent: #0a5a8c; --bad: #a4161a; }
* { box-sizing: border-box; }
html { font-size: 14px; }
body { margin: 0; color: var(--ink); background: #fff; font-family: 'DejaVu Sans', Verdana, system-ui, sans-serif; line-height: 1.4; }
header.bar { position: sticky; top: 0; z-index: 5; background: #f6f8fa; border-bottom: 1px solid var(--rule); padding: 8px 16px; display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: center; }
header.bar h1 { font-size: 1.15rem; margin: 0 8px 0 0; }
header.bar label { white-space: nowrap; }
button { font: inherit; padding: 3px 10px; border: 1px solid #8a8a8a; border-radius: 4px; background: #fff; cursor: pointer; }
button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
button:disabled { opacity: 0.45; cursor: default; }
input, select, textarea { font: inherit; }
input[type=number] { width: 5.5em; }
.progress { flex: 1 1 160px; min-width: 120px; max-width: 320px; height: 12px; background: #e4e4e4; border-radius: 6px; overflow: hidden; }
.progress > div { height: 100%; width: 0; background: var(--accent); transition: width 0.1s; }
#status { color: var(--muted); font-size: 0.9rem; }
main { display: grid; grid-template-columns: minmax(0, 5fr) minmax(0, 7fr); gap: 16px; padding: 12px 16px 40px; }
section { min-width: 0; }
h2 { font-size: 1.05rem; margin: 14px 0 6px; border-bottom: 1px solid var(--rule); }
textarea#yaml { width: 100%; height: 420px; font-family: 'DejaVu Sans Mono', Menlo, monospace; font-size: 12px; white-space: pre; overflow: auto; }
ul#problems { margin: 4px 0; padding-left: 18px; color: var(--bad); font-family: 'DejaVu Sans Mono', monospace; font-size: 12px; overflow-wrap: anywhere; }
ul#problems:empty::before { content: 'no problems'; color: #2b7a3b; }
.controls { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 4px 12px; }
.control { display: flex; flex-direction: column; font-size: 0.9rem; }
.control span.name { font-family: 'DejaVu Sans Mono', monospace; font-size: 0.8rem; }
.control span.doc { color: var(--muted); font-size: 0.75rem; }
.control input[type=text], .control select { width: 100%; }
fieldset { border: 1px solid var(--rule); margin: 6px 0; padding: 4px 8px 8px; min-width: 0; }
legend { font-weight: bold; font-size: 0.9rem; }
table { border-collapse: collapse; font-size: 0.85rem; }
td, th { border-bottom: 1px solid var(--rule); padding: 3px 6px; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.best { background: var(--best); }
.ci { display: block; color: var(--muted); font-size: 0.75rem; }
.table-scroll { overflow-x: auto; }
table.rtt input { width: 4.5em; }
.timeline { position: relative; height: auto; border: 1px solid var(--rule); background: #fafafa; margin: 4px 0; user-select: none; }
.timeline .lane { position: relative; height: 22px; border-bottom: 1px dashed #e0e0e0; }
.timeline .fault { position: absolute; top: 2px; height: 18px; background: #c8553d; color: #fff; font-size: 11px; border-radius: 3px; padding: 0 4px; overflow: hidden; white-space: nowrap; cursor: grab; }
.timeline .fault.after { background: #9a9a9a; }
.timeline .fault button { border: 0; background: transparent; color: #fff; padding: 0 0 0 4px; font-size: 11px; }
.addfault { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; font-size: 0.85rem; }
figure.chart { margin: 10px 0 18px; }
figure.chart svg, figure.chart canvas { max-width: 100%; height: auto; }
figure.chart figcaption { color: var(--muted); font-size: 0.8rem; }
.note { color: var(--muted); font-size: 0.85rem; }
.error { color: var(--bad); white-space: pre-wrap; font-family: 'DejaVu Sans Mono', monospace; font-size: 12px; }
`;

/** The playground page. */
export function renderPlayground(input: PlaygroundInput): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>repsim playground</title>
<style>${CSS}</style>
</head>
<body>
<noscript><p>The playground runs the simulator in the page: it needs JavaScript.</p></noscript>
<div id="app" data-version="${esc(input.version)}"></div>
<script type="application/json" id="repsim-scenarios">${jsonScript(input.scenarios)}</script>
<script type="text/plain" id="repsim-worker">${scriptSafe(input.workerScript)}</script>
<script>${scriptSafe(input.pageScript)}</script>
</body>
</html>
`;
}
