// The page's fixed markup: the bar (scenario, variant, seed, Run, seeds,
// Compare, Cancel, progress, downloads, share) and the two columns (controls,
// faults and YAML on the left; table and charts on the right).
import { escapeHtml as esc } from '../../report/html-kit.ts';

export function layoutHtml(scenarios: readonly string[], cores: number): string {
  return `<header class="bar">
<h1>repsim playground</h1>
<label>Scenario <select id="scenario">${scenarios.map((s) => `<option>${esc(s)}</option>`).join('')}</select></label>
<label>Variant <select id="variant"></select></label>
<label>Seed <input id="seed" type="number" min="0" step="1" placeholder="scenario's"></label>
<button id="run" class="primary">Run variant</button>
<label>Seeds <input id="seeds" type="number" min="1" max="1000" value="3"></label>
<button id="compare" class="primary">Compare all variants</button>
<button id="cancel" disabled>Cancel</button>
<div class="progress" id="progress" title="${cores} worker${cores === 1 ? '' : 's'}"><div></div></div>
<span id="status">ready: ${cores} core${cores === 1 ? '' : 's'}</span>
<button id="share">Share link</button>
<button id="dl-yaml">YAML</button>
<select id="summary-pick" aria-label="run"></select><button id="dl-json" disabled>Summary JSON</button>
</header>
<main>
<section id="edit">
<h2>Controls</h2>
<div id="controls"></div>
<h2>Faults</h2>
<div id="timeline"></div>
<div class="addfault"><select id="fault-kind"></select><select id="fault-region"></select>
<label>at <input id="fault-at" type="text" size="5" value="1m"></label><label>for <input id="fault-for" type="text" size="5" value="30s"></label>
<button id="fault-add">Add fault</button></div>
<h2>Scenario YAML</h2>
<textarea id="yaml" spellcheck="false" aria-label="scenario YAML"></textarea>
<ul id="problems"></ul>
</section>
<section id="results">
<h2>Result</h2>
<div id="run-problems" class="error"></div>
<div id="table"><p class="note">Run a variant, or compare all of them over N seeds: the table is <code>repsim compare</code>'s, the charts the report's.</p></div>
<div id="charts"></div>
</section>
</main>`;
}
