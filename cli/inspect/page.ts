// The inspector page: actor tree, the selected actor's statechart with its active states, and the event log.
import { PAGE_SCRIPT } from './page-script.js';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const STYLE = `
* { box-sizing: border-box; }
body { margin: 0; font: 13px system-ui, sans-serif; color: #222; background: #fafafa; height: 100vh; display: grid;
  grid-template-rows: auto 1fr; grid-template-columns: 320px 1fr 420px; }
header { grid-column: 1 / 4; display: flex; gap: 16px; align-items: center; padding: 8px 12px; background: #1f2937; color: #fff; }
header h1 { font-size: 15px; margin: 0; }
header .mode { padding: 2px 8px; border-radius: 10px; background: #374151; }
header input[type=range] { flex: 1; }
section { overflow: auto; border-right: 1px solid #ddd; padding: 8px; }
h2 { font-size: 12px; text-transform: uppercase; color: #666; margin: 4px 0 8px; }
ul.tree, ul.tree ul { list-style: none; margin: 0; padding-left: 14px; }
ul.tree { padding-left: 0; }
.actor { cursor: pointer; padding: 2px 4px; border-radius: 4px; white-space: nowrap; }
.actor:hover { background: #eef; }
.actor.selected { background: #dbeafe; }
.actor .sys { color: #888; }
.actor .state { color: #0b6; font-family: ui-monospace, monospace; }
.actor[data-status=done] .state, .actor[data-status=stopped] .state { color: #999; }
.actor[data-status=error] .state { color: #c00; }
#chart svg { max-width: 100%; height: auto; }
#chart [data-id].active > rect, #chart [data-id].active > circle { fill: #ffd54f !important; stroke: #b8860b !important; stroke-width: 2px; }
#active { font-family: ui-monospace, monospace; margin-bottom: 8px; }
#log { font-family: ui-monospace, monospace; font-size: 12px; }
#log div { white-space: nowrap; }
#log .t { color: #999; }
#log .type { color: #05a; }
`;

export function inspectorPage(options: { readonly title: string; readonly mode: 'live' | 'replay' }): string {
  const config = JSON.stringify({ mode: options.mode }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(options.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style></head>
<body>
<header><h1>${escapeHtml(options.title)}</h1><span class="mode" id="mode">${options.mode}</span><span id="status">connecting…</span>
<input type="range" id="scrub" min="0" max="0" value="0" title="position in the recording"><span id="position"></span></header>
<section><h2>Actors <label><input type="checkbox" id="show-finished"> finished helpers</label></h2><ul class="tree" id="tree"></ul></section>
<section><h2 id="chart-title">Statechart</h2><div id="active"></div><div id="chart"></div></section>
<section><h2>Events <label><input type="checkbox" id="only-selected"> selected actor only</label></h2><div id="log"></div></section>
<script>window.BARO = ${config};</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}
