// The inspector page's script: folds the recorded inspection events into actors and a log, and draws them.
export const PAGE_SCRIPT = String.raw`
'use strict';
const records = [];
let position = 0;
let follow = true;
let selected;
let view;
const svgCache = {};
const $ = (id) => document.getElementById(id);
const mermaidId = (stateId) => 's_' + stateId.replace(/[^A-Za-z0-9_]/g, '_');

function fold(count) {
  const v = { machines: {}, actors: {}, order: [], log: [], end: undefined };
  for (let i = 0; i < count; i += 1) {
    const r = records[i];
    if (r.kind === 'machine') v.machines[r.machine] = r.graph;
    else if (r.kind === 'start') { v.actors = {}; v.order = []; v.end = undefined; }
    else if (r.kind === 'actor') {
      const known = v.actors[r.session];
      if (!known) v.order.push(r.session);
      v.actors[r.session] = { session: r.session, id: r.id, parent: r.parent, systemId: r.systemId, machine: r.machine,
        status: known ? known.status : 'active', active: known ? known.active : [] };
    } else if (r.kind === 'snapshot') {
      const a = v.actors[r.session];
      if (a) { a.status = r.status; a.active = r.active; }
    } else if (r.kind === 'event') v.log.push(r);
    else if (r.kind === 'end') v.end = r;
  }
  return v;
}

function leafKeys(actor, v) {
  const graph = actor.machine && v.machines[actor.machine];
  if (!graph) return actor.active.map((id) => id.split('.').pop());
  const nodes = {};
  const walk = (n) => { nodes[n.id] = n; n.children.forEach(walk); };
  walk(graph.root);
  return actor.active.filter((id) => nodes[id] && nodes[id].children.length === 0).map((id) => nodes[id].key);
}

// The root actor's id is its session id (x:0): its machine's name reads better.
const label = (a) => (a.id === a.session && a.machine ? a.machine : a.id);

// Finished helpers without a statechart (one git operation, one agent turn) are hidden unless asked for.
const shown = (a) => $('show-finished').checked || a.machine || a.status === 'active' || a.session === selected;

function actorRow(actor, v) {
  const li = document.createElement('li');
  const row = document.createElement('div');
  row.className = 'actor' + (actor.session === selected ? ' selected' : '');
  row.dataset.session = actor.session;
  row.dataset.actorId = actor.id;
  row.dataset.systemId = actor.systemId || '';
  row.dataset.status = actor.status;
  const states = leafKeys(actor, v);
  row.dataset.state = states.join(',');
  row.innerHTML = '<b></b> <span class="sys"></span> <span class="state"></span>';
  row.children[0].textContent = label(actor);
  row.children[1].textContent = actor.systemId && actor.systemId !== actor.id ? '(' + actor.systemId + ')' : '';
  row.children[2].textContent = (states.join(', ') || '') + (actor.status !== 'active' ? ' [' + actor.status + ']' : '');
  row.onclick = () => { selected = actor.session; render(); };
  li.appendChild(row);
  const kids = v.order.map((s) => v.actors[s]).filter((a) => a.parent === actor.session && shown(a));
  if (kids.length > 0) {
    const ul = document.createElement('ul');
    kids.forEach((k) => ul.appendChild(actorRow(k, v)));
    li.appendChild(ul);
  }
  return li;
}

let draws = 0;
async function drawChart(actor, v) {
  const draw = ++draws;
  const chart = $('chart');
  $('chart-title').textContent = actor ? label(actor) + (actor.machine ? ' — machine ' + actor.machine : ' — no statechart') : 'Statechart';
  $('active').textContent = actor ? 'active: ' + (actor.active.join(', ') || '(none)') + ' · status: ' + actor.status : '';
  if (!actor || !actor.machine) { chart.innerHTML = ''; chart.dataset.machine = ''; return; }
  if (chart.dataset.machine !== actor.machine) {
    if (!svgCache[actor.machine]) {
      const res = await fetch('machine/' + encodeURIComponent(actor.machine) + '.svg');
      svgCache[actor.machine] = await res.text();
    }
    // A later render drew its own chart while this one waited for its SVG: drawing this one now would undo it.
    if (draw !== draws) return;
    chart.innerHTML = svgCache[actor.machine];
    chart.dataset.machine = actor.machine;
  }
  const wanted = new Set(actor.active.map(mermaidId));
  chart.querySelectorAll('[data-id]').forEach((el) => el.classList.toggle('active', wanted.has(el.dataset.id)));
}

function drawLog(v) {
  const only = $('only-selected').checked;
  const name = (s) => (v.actors[s] ? label(v.actors[s]) : s);
  const lines = v.log.filter((e) => !only || e.session === selected || e.from === selected).slice(-400).reverse();
  const log = $('log');
  log.innerHTML = '';
  for (const e of lines) {
    const div = document.createElement('div');
    div.dataset.type = e.type;
    div.innerHTML = '<span class="t"></span> <span></span> <span class="type"></span>';
    div.children[0].textContent = new Date(e.t).toISOString().slice(11, 23);
    div.children[1].textContent = (e.from ? name(e.from) + ' → ' : '') + name(e.session);
    div.children[2].textContent = e.type;
    log.appendChild(div);
  }
}

let pending = false;
function render() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    if (follow) position = records.length;
    view = fold(position);
    const scrub = $('scrub');
    scrub.max = String(records.length);
    scrub.value = String(position);
    $('position').textContent = position + ' / ' + records.length;
    if (selected === undefined || !view.actors[selected]) selected = view.order[0];
    const tree = $('tree');
    tree.innerHTML = '';
    view.order.map((s) => view.actors[s]).filter((a) => !a.parent || !view.actors[a.parent])
      .forEach((a) => tree.appendChild(actorRow(a, view)));
    drawChart(view.actors[selected], view);
    drawLog(view);
    $('status').textContent = view.end ? 'run ' + view.end.status : (window.BARO.mode === 'live' ? 'running' : 'interrupted run');
    document.body.dataset.records = String(records.length);
  });
}

$('scrub').addEventListener('input', (e) => {
  position = Number(e.target.value);
  follow = position >= records.length;
  render();
});
$('only-selected').addEventListener('change', render);
$('show-finished').addEventListener('change', render);
const source = new EventSource('events');
source.onmessage = (message) => { records.push(JSON.parse(message.data)); render(); };
source.onerror = () => { if (records.length > 0) { $('status').textContent = (view && view.end ? 'run ' + view.end.status + ' · ' : '') + 'server closed'; source.close(); } };
render();
`;
