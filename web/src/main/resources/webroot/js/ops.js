// /ops: the live operations dashboard, the only page that opens the bridge.
import { OpsBus, STATUS, resolveNodes } from './eventbus.js';
import { h, fill, $, num, pick, fmtNum, fmtPct, fmtMoney, fmtMinutes, fmtMs, fmtBytes, fmtTime, fetchJson, scheduler } from './dom.js';
import { sparkline } from './charts.js';

const AGENTS = ['detection', 'diagnosis', 'prediction', 'resolution', 'communication'];
const LIFECYCLE = ['detected', 'triaged', 'investigating', 'diagnosed', 'resolving', 'resolved', 'closed'];
const STATE_ICONS = {
  idle: '○', analyzing: '◔', proposing: '◑', waiting: '◕', acting: '●', degraded: '⚠', failed: '✖',
};
const MAX_INCIDENTS = 30;
const MAX_TIMELINE = 60;
const MAX_ROUNDS = 20;
const MAX_DRILLS = 20;
const MAX_POINTS = 180;
const TOKEN_KEY = 'opshub.operatorToken';

const store = {
  agents: new Map(),
  incidents: new Map(),
  timeline: new Map(),     // incidentId -> [event]
  rounds: [],              // newest first
  metrics: null,
  history: { ts: [], mttr: [], cost: [], automation: [], sla: [] },
  nodes: new Map(),
  agentHealth: new Map(),
  drills: new Map(),
  decided: new Map(),      // roundId -> local decision text after approve/reject
};

let bus;
let scenarios = [];

// ---------------------------------------------------------------- token

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

function renderToken() {
  const has = !!token();
  $('#start-form').hidden = !has;
  $('#token-clear').hidden = !has;
  $('#token').value = '';
  $('#token').placeholder = has ? 'token stored for this session' : 'paste the token the hub printed';
  fill($('#token-state'), has ? 'Unlocked: controls enabled for this browser session.' : 'Locked: enter the token to control drills. Viewing needs no token.');
  document.body.classList.toggle('operator', has);
  renderDrills();
  renderConsensus();
}

function showResult(ok, text) {
  const el = $('#control-result');
  el.dataset.kind = ok ? 'ok' : 'error';
  fill(el, h('span', { 'aria-hidden': 'true' }, ok ? '✔ ' : '✖ '), text);
}

async function control(body, label) {
  if (!token()) {
    showResult(false, 'Enter the operator token first.');
    return null;
  }
  try {
    const reply = await bus.request('ops.control.drills', body, { token: token() });
    const id = reply && (reply.drillId || reply.id);
    showResult(true, `${label}: ok${id ? ' (drill ' + id + ')' : ''}${reply && reply.status ? ', ' + reply.status : ''}`);
    if (reply && typeof reply === 'object' && (reply.drillId || reply.id)) upsertDrill(reply);
    return reply;
  } catch (e) {
    showResult(false, `${label} refused: ${e.code || 'error'}${e.message && e.message !== e.code ? ' — ' + e.message : ''}`);
    if (e.code === 'access_denied' || e.code === 'unauthorized') {
      fill($('#token-state'), '⚠ The hub refused the token. Lock, check it and unlock again.');
    }
    return null;
  }
}

async function loadScenarios() {
  const select = $('#scenario');
  try {
    const body = await fetchJson('/api/scenarios');
    const list = Array.isArray(body) ? body : (body && (body.scenarios || body.items)) || [];
    scenarios = list.map(s => (typeof s === 'string' ? { id: s } : s)).filter(s => s && (s.id || s.name));
    fill(select, scenarios.map(s => h('option', { value: s.id || s.name },
      (s.id || s.name) + (s.severity ? ` (${s.severity})` : ''))));
    if (!scenarios.length) fill(select, h('option', { value: '' }, 'no scenario available'));
  } catch (e) {
    fill(select, h('option', { value: '' }, 'scenarios unavailable'));
    showResult(false, `Scenario list unavailable: ${e.code || ''} ${e.message}`);
  }
}

function wireControls() {
  $('#token-form').addEventListener('submit', ev => {
    ev.preventDefault();
    const value = $('#token').value.trim();
    if (!value) { showResult(false, 'The token is empty.'); return; }
    sessionStorage.setItem(TOKEN_KEY, value);
    renderToken();
    if (!scenarios.length) loadScenarios();
    showResult(true, 'Token stored for this session; the hub checks it on every action.');
  });
  $('#token-clear').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    renderToken();
  });
  $('#start-form').addEventListener('submit', ev => {
    ev.preventDefault();
    const scenario = $('#scenario').value;
    if (!scenario) { showResult(false, 'Choose a scenario.'); return; }
    const seed = num($('#seed').value);
    const speed = num($('#speed').value);
    control({ action: 'start', scenario, seed: seed === null ? 42 : Math.trunc(seed), speed: speed === null ? 60 : speed,
      policy: $('#policy').value }, `Start ${scenario}`);
  });
}

// ---------------------------------------------------------------- stores

/**
 * Consensus rounds are events: a page opened after a drill sees none on the bus. The after-action reports of the
 * latest finished drills hold theirs, so they are loaded once at start; live rounds replace them by round id.
 */
async function loadRecentRounds() {
  try {
    const list = await fetchJson('/api/reports');
    const reports = (Array.isArray(list) ? list : (list && list.reports) || []).slice();
    reports.sort((a, b) => (num(b.endedTs) ?? 0) - (num(a.endedTs) ?? 0));
    reports.length = Math.min(reports.length, 3);
    for (const r of reports) {   // newest drill first, its last round first; live rounds stay in front
      const id = r.drillId || r.id;
      if (!id) continue;
      const report = await fetchJson(`/api/drills/${encodeURIComponent(id)}/report`);
      for (const round of ((report && report.consensusRounds) || []).slice().reverse()) {
        const rid = round.roundId || round.id;
        if (!store.rounds.some(x => (x.roundId || x.id) === rid)) store.rounds.push(round);
      }
    }
    if (store.rounds.length > MAX_ROUNDS) store.rounds.length = MAX_ROUNDS;
    render.consensus();
  } catch (e) {
    // the live stream still shows new rounds; say why the older ones are missing
    fill($('#consensus'), h('p', { class: 'empty' }, `Earlier rounds unavailable (${e.code || e.message}); new rounds appear live.`));
  }
}

function upsertDrill(d) {
  const id = d.drillId || d.id || d.key;
  if (!id) return;
  store.drills.set(String(id), { ...(store.drills.get(String(id)) || {}), ...d });
  while (store.drills.size > MAX_DRILLS) store.drills.delete(store.drills.keys().next().value);
  render.drills();
}

function onAgent(body) {
  const id = body.agent || body.key;
  if (!id) return;
  store.agents.set(String(id), body);
  render.agents();
}

function onIncident(body) {
  const id = body.id || body.incidentId || body.key;
  if (!id) return;
  store.incidents.delete(String(id));
  store.incidents.set(String(id), body);
  while (store.incidents.size > MAX_INCIDENTS) store.incidents.delete(store.incidents.keys().next().value);
  render.incidents();
}

function onTimeline(body) {
  const id = String(body.incidentId || body.incident || '');
  if (!store.timeline.has(id)) store.timeline.set(id, []);
  const list = store.timeline.get(id);
  list.push(body);
  if (list.length > MAX_TIMELINE) list.splice(0, list.length - MAX_TIMELINE);
  while (store.timeline.size > MAX_INCIDENTS) store.timeline.delete(store.timeline.keys().next().value);
  render.incidents();
}

function onConsensus(body) {
  const id = body.roundId || body.id;
  const at = id ? store.rounds.findIndex(r => (r.roundId || r.id) === id) : -1;
  if (at >= 0) store.rounds.splice(at, 1);
  store.rounds.unshift(body);
  if (store.rounds.length > MAX_ROUNDS) store.rounds.length = MAX_ROUNDS;
  render.consensus();
}

function metricValues(m) {
  const overall = m.overall || m;
  return {
    mttr: num(pick(overall, 'mttrMinutes', 'mttr.meanMinutes', 'mttr.mean', 'mttr')),
    mttrLow: num(pick(overall, 'mttr.ci95LowMinutes', 'mttr.ci95Low')),
    mttrHigh: num(pick(overall, 'mttr.ci95HighMinutes', 'mttr.ci95High')),
    traditional: num(pick(overall, 'traditionalMttrMinutes', 'mttr.traditional', 'traditionalMttr')),
    cost: num(pick(overall, 'costAvoided', 'costAvoidedUsd', 'cost.avoided')),
    automation: num(pick(overall, 'automationRate', 'automation.rate')),
    sla: num(pick(overall, 'slaCompliance', 'sla.compliance', 'sla.rate')),
    slaMet: num(pick(overall, 'slaMet', 'sla.met')),
    slaBreached: num(pick(overall, 'slaBreached', 'sla.breached')),
    incidents: num(pick(overall, 'incidentsHandled', 'incidents', 'resolved', 'mttr.n')),
    drills: num(pick(m, 'drills', 'drillsCompleted', 'overall.drills')),
  };
}

function onMetrics(body) {
  store.metrics = body;
  const v = metricValues(body);
  const hist = store.history;
  hist.ts.push((num(body.ts) || Date.now()) / 1000);
  hist.mttr.push(v.mttr);
  hist.cost.push(v.cost);
  hist.automation.push(v.automation === null ? null : v.automation * (v.automation <= 1 ? 100 : 1));
  hist.sla.push(v.sla === null ? null : v.sla * (v.sla <= 1 ? 100 : 1));
  for (const k of Object.keys(hist)) if (hist[k].length > MAX_POINTS) hist[k].splice(0, hist[k].length - MAX_POINTS);
  render.metrics();
}

function onHealth(body) {
  const key = String(body.key || '');
  if (key.startsWith('agent:')) store.agentHealth.set(key.slice(6), body);
  else store.nodes.set(key.startsWith('node:') ? key.slice(5) : (body.nodeId || key), body);
  render.health();
}

// ---------------------------------------------------------------- rendering

function stateBadge(state) {
  const s = String(state || 'unknown').toLowerCase();
  return h('span', { class: 'badge state-' + s, dataset: { state: s } },
    h('span', { class: 'icon', 'aria-hidden': 'true' }, STATE_ICONS[s] || '?'), ' ', s.toUpperCase());
}

function confidenceBar(c) {
  const n = num(c);
  if (n === null || n < 0) return h('span', { class: 'muted' }, 'no result yet');
  const pct = Math.max(0, Math.min(1, n)) * 100;
  return h('span', { class: 'conf' },
    h('meter', { min: 0, max: 1, value: Math.max(0, Math.min(1, n)), 'aria-label': 'confidence' }),
    ' ', pct.toFixed(0) + ' %');
}

function ago(ts) {
  const n = num(ts);
  if (n === null || n <= 0) return '–';
  const s = Math.max(0, (Date.now() - n) / 1000);
  return s < 1 ? 'just now' : s.toFixed(s < 10 ? 1 : 0) + ' s ago';
}

function renderAgents() {
  const el = $('#agents');
  const ids = [...new Set([...AGENTS, ...store.agents.keys()])];
  fill(el, ids.map(id => {
    const a = store.agents.get(id);
    const health = store.agentHealth.get(id);
    if (!a) {
      return h('article', { class: 'agent', dataset: { agent: id, state: 'unknown' } },
        h('h3', null, id), h('p', { class: 'muted' }, 'no report yet'));
    }
    const state = String(a.state || 'unknown').toLowerCase();
    const flagged = state === 'degraded' || state === 'failed';
    return h('article', { class: 'agent' + (flagged ? ' flagged' : ''), dataset: { agent: id, state } },
      h('h3', null, id, ' ', stateBadge(state)),
      flagged ? h('p', { class: 'alert' }, h('span', { 'aria-hidden': 'true' }, state === 'failed' ? '✖ ' : '⚠ '),
        state === 'failed' ? 'Agent failed — fallback in use' : 'Agent degraded — fallback result shown') : null,
      h('dl', null,
        h('dt', null, 'Confidence'), h('dd', null, confidenceBar(a.confidence)),
        h('dt', null, 'Incident'), h('dd', null, a.incidentId || '—'),
        h('dt', null, 'Last action'), h('dd', { class: 'last-action' }, a.lastAction || '—'),
        a.fault ? [h('dt', null, 'Fault'), h('dd', { class: 'fault' }, '⚡ ' + a.fault)] : null,
        h('dt', null, 'Node'), h('dd', null, a.node || '—'),
        h('dt', null, 'Seen'), h('dd', { class: 'seen', dataset: { ts: a.ts } }, ago(health && health.lastSeen || a.ts))));
  }));
}

function lifecycle(status) {
  const s = String(status || '').toLowerCase();
  const at = LIFECYCLE.indexOf(s);
  const off = s === 'escalated' || s === 'failed';
  return h('ol', { class: 'lifecycle', 'aria-label': 'lifecycle: ' + s },
    LIFECYCLE.map((step, i) => {
      const done = at >= 0 && i < at;
      const current = i === at;
      return h('li', { class: done ? 'done' : current ? 'current' : 'todo', 'aria-current': current ? 'step' : null },
        h('span', { 'aria-hidden': 'true' }, done ? '✓' : current ? '●' : '○'), ' ', step);
    }),
    off ? h('li', { class: 'off ' + s }, h('span', { 'aria-hidden': 'true' }, s === 'failed' ? '✖' : '⇪'), ' ', s) : null);
}

function drillTime(at) {
  const n = num(at);
  if (n === null) return null;
  return n < 120 ? `t+${n.toFixed(0)} s` : `t+${Math.floor(n / 60)}m${String(Math.round(n % 60)).padStart(2, '0')}s`;
}

function eventText(e) {
  const from = e.from;
  const to = e.to;
  const move = to ? `${from || '∅'} → ${to}` : '';
  const decision = e.winner ? `${e.winner}${num(e.score) !== null ? ' (score ' + num(e.score).toFixed(3) + ')' : ''}${e.decision ? ' ' + e.decision : ''}${e.decidedBy ? ' by ' + e.decidedBy : ''}` : '';
  const text = e.reason || e.summary || e.message || e.description || e.detail || '';
  return [e.type || e.kind, e.agent ? `[${e.agent}]` : '', move, decision, text].filter(Boolean).join(' ');
}

function renderIncidents() {
  const el = $('#incidents');
  const list = [...store.incidents.values()].reverse();
  if (!list.length) { fill(el, h('p', { class: 'empty' }, 'No incident yet. Start a drill to see one.')); return; }
  const open = new Set([...el.querySelectorAll('details[open]')].map(d => d.dataset.id));
  fill(el, list.slice(0, 8).map(inc => {
    const id = String(inc.id || inc.incidentId || inc.key);
    const status = String(inc.status || 'unknown').toLowerCase();
    const events = store.timeline.get(id) || inc.timeline || [];
    const impact = inc.businessImpact || inc.impact || {};
    return h('article', { class: 'incident', dataset: { incident: id, status } },
      h('header', null,
        h('h3', null, inc.title || id),
        h('span', { class: 'badge sev-' + String(inc.severity || '').toLowerCase() }, String(inc.severity || '?').toUpperCase()),
        h('span', { class: 'badge status status-' + status }, status)),
      h('p', { class: 'meta' }, [
        inc.scenario ? `scenario ${inc.scenario}` : null,
        `id ${id}`,
        num(inc.detectedAt) !== null ? `detected at drill ${drillTime(inc.detectedAt)}` : null,
        num(inc.resolvedAt) !== null ? `resolved at ${drillTime(inc.resolvedAt)}` : null,
        impact.affectedUsers ? `${fmtNum(impact.affectedUsers)} users` : null,
        (inc.affectedServices || []).length ? `services: ${(inc.affectedServices || []).join(', ')}` : null,
      ].filter(Boolean).join(' · ')),
      (inc.rootCause || inc.action || num(inc.mttrMinutes) !== null) ? h('p', { class: 'meta' }, [
        inc.rootCause ? `root cause: ${inc.rootCause}` : null,
        inc.action ? `action: ${inc.action}` : null,
        num(inc.mttrMinutes) !== null ? `MTTR ${fmtMinutes(inc.mttrMinutes)}` : null,
        inc.slaMet === true ? '✔ SLA met' : inc.slaMet === false ? '✖ SLA breached' : null,
      ].filter(Boolean).join(' · ')) : null,
      inc.failureReason ? h('p', { class: 'alert' }, '⚠ ', inc.failureReason) : null,
      lifecycle(status),
      h('details', { dataset: { id }, open: open.has(id) },
        h('summary', null, `Timeline (${events.length})`),
        events.length ? h('ol', { class: 'timeline' }, events.slice(-15).reverse().map(e =>
          h('li', null, h('time', null, drillTime(e.at) || fmtTime(e.ts)), ' ', eventText(e)))) : h('p', { class: 'muted' }, 'no event yet')));
  }));
}

function roundVotes(r) {
  return r.votes || r.recommendations || [];
}

function renderConsensus() {
  const el = $('#consensus');
  if (!store.rounds.length) { fill(el, h('p', { class: 'empty' }, 'No consensus round yet.')); return; }
  fill(el, store.rounds.slice(0, 5).map(r => {
    const id = r.roundId || r.id;
    const votes = roundVotes(r);
    const excluded = r.exclusions || r.excluded || votes.filter(v => v.excluded).map(v => ({ agent: v.agent, reason: v.reason }));
    const winner = r.winner || {};
    const action = typeof winner === 'string' ? winner : (winner.action || r.action);
    const score = num(typeof winner === 'object' ? winner.score : null) ?? num(r.score);
    const needsApproval = !!(r.requiresApproval || r.requiresHumanApproval);
    const status = String(r.decision || r.status || (needsApproval ? 'awaiting_approval' : 'decided')).toLowerCase();
    const pending = needsApproval && /pending|waiting|awaiting/.test(status) && !store.decided.has(id);
    const scores = r.scores || {};
    return h('article', { class: 'round', dataset: { round: id, status } },
      h('header', null, h('h3', null, `Round ${id || ''}`),
        h('span', { class: 'badge' }, status.replace(/_/g, ' '))),
      h('p', { class: 'meta' }, [r.incidentId ? `incident ${r.incidentId}` : null, r.drillId ? `drill ${r.drillId}` : null,
        drillTime(r.at), r.ts ? fmtTime(r.ts) : null].filter(Boolean).join(' · ')),
      h('div', { class: 'table-wrap' }, h('table', { class: 'votes' },
        h('caption', { class: 'sr-only' }, 'Votes'),
        h('thead', null, h('tr', null, ['Agent', 'Action', 'Confidence', 'Weight', 'Score'].map(t => h('th', { scope: 'col' }, t)))),
        h('tbody', null, votes.map(v => {
          const isExcluded = !!v.excluded || excluded.some(x => x.agent === v.agent);
          const c = num(v.confidence);
          const w = num(v.weight);
          return h('tr', { class: isExcluded ? 'excluded' : '' },
            h('td', null, isExcluded ? '⊘ ' : '', v.agent || '?'),
            h('td', null, v.action || '?'),
            h('td', null, c === null ? '–' : c.toFixed(2)),
            h('td', null, w === null ? '–' : w.toFixed(1)),
            h('td', null, isExcluded ? 'excluded' : fmtNum(num(v.weighted) ?? num(v.score) ?? (c !== null && w !== null ? c * w : null), 3)));
        })))),
      excluded.length ? h('ul', { class: 'excluded-list' }, excluded.map(x =>
        h('li', null, h('span', { 'aria-hidden': 'true' }, '⊘ '), `${x.agent} excluded: ${x.reason || 'no reason given'}`))) : null,
      Object.keys(scores).length ? h('p', { class: 'meta' }, 'Scores: ' + Object.entries(scores)
        .map(([a, s]) => `${a} ${fmtNum(s, 3)}`).join(', ')) : null,
      h('p', { class: 'decision' }, h('strong', null, 'Decision: '), action || 'none',
        score !== null ? ` (score ${score.toFixed(3)}${needsApproval ? ', under 0.85: needs approval' : ''})` : '',
        r.decidedBy ? ` — ${status.replace(/_/g, ' ')} by ${r.decidedBy}` : '',
        store.decided.has(id) && !r.decidedBy ? ` — ${store.decided.get(id)}` : ''),
      pending && token() ? h('div', { class: 'row' },
        h('button', { type: 'button', class: 'approve', onclick: () => decide(r, 'approve') }, '✔ Approve'),
        h('button', { type: 'button', class: 'reject', onclick: () => decide(r, 'reject') }, '✖ Reject')) : null,
      pending && !token() ? h('p', { class: 'hint' }, 'Waiting for an operator to approve or reject.') : null);
  }));
}

async function decide(round, action) {
  const id = round.roundId || round.id;
  const reply = await control({ action, drillId: round.drillId, roundId: id }, `${action} round ${id}`);
  if (reply) {
    store.decided.set(id, action === 'approve' ? 'approved by operator' : 'rejected by operator');
    render.consensus();
  }
}

const TILES = [
  { id: 'mttr', label: 'MTTR', series: 'mttr', color: '#2b6cb0' },
  { id: 'cost', label: 'Cost avoided', series: 'cost', color: '#2f855a' },
  { id: 'automation', label: 'Automation rate', series: 'automation', color: '#6b46c1' },
  { id: 'sla', label: 'SLA compliance', series: 'sla', color: '#b7791f' },
];

function metricsSkeleton(el) {
  fill(el,
    h('p', { class: 'empty', id: 'metrics-empty', hidden: true }, 'No drill finished yet: these figures stay at zero until one does.'),
    h('div', { class: 'tiles' }, TILES.map(t => h('div', { class: 'tile', dataset: { metric: t.id } },
      h('div', { class: 'tile-label' }, t.label),
      h('div', { class: 'tile-value' }, '–'),
      h('div', { class: 'tile-sub' }, ''),
      h('div', { class: 'spark', role: 'img', 'aria-label': `${t.label} over time` })))),
    h('p', { class: 'meta', id: 'metrics-meta' }, ''));
}

function renderMetrics() {
  const el = $('#metrics');
  if (!store.metrics) return;
  if (!el.querySelector('.tiles')) metricsSkeleton(el);
  const v = metricValues(store.metrics);
  const values = {
    mttr: [fmtMinutes(v.mttr), v.mttrLow !== null && v.mttrHigh !== null
      ? `95 % CI ${v.mttrLow.toFixed(1)}–${v.mttrHigh.toFixed(1)} min`
      : (v.traditional !== null ? `traditional ${fmtMinutes(v.traditional)}` : '')],
    cost: [fmtMoney(v.cost), 'against traditional MTTR'],
    automation: [fmtPct(v.automation), 'resolved without approval'],
    sla: [fmtPct(v.sla), v.slaMet !== null ? `${fmtNum(v.slaMet)} met · ${fmtNum(v.slaBreached)} breached` : ''],
  };
  for (const t of TILES) {
    const tileEl = el.querySelector(`.tile[data-metric="${t.id}"]`);
    fill(tileEl.querySelector('.tile-value'), values[t.id][0]);
    fill(tileEl.querySelector('.tile-sub'), values[t.id][1]);
    sparkline(tileEl.querySelector('.spark'), store.history.ts, store.history[t.series], t.color);
  }
  $('#metrics-empty').hidden = !(v.incidents === 0 || (v.incidents === null && v.mttr === null));
  fill($('#metrics-meta'), `incidents counted: ${fmtNum(v.incidents)} · updated ${fmtTime(store.metrics.ts)}`);
}

function renderHealth() {
  const nodes = [...store.nodes.values()];
  fill($('#health-nodes'), nodes.length ? h('div', { class: 'table-wrap' }, h('table', null,
    h('thead', null, h('tr', null, ['Node', 'Roles', 'Connections', 'Deliveries/s', 'Loop delay', 'Heap', 'CPU', 'Updated']
      .map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', null, nodes.map(n => {
      const delay = num(n.eventLoopDelayMs);
      const down = n.status === 'down';
      return h('tr', { dataset: { node: n.nodeId, status: n.status || 'up' } },
        h('td', { class: down ? 'warn' : '' }, down ? '✖ ' : '✔ ', n.nodeId || '?', down ? ' (down)' : ''),
        h('td', null, Array.isArray(n.roles) ? n.roles.join(', ') : (n.roles || '')),
        h('td', null, fmtNum(n.connections)),
        h('td', null, fmtNum(n.deliveriesPerSec, 1)),
        h('td', { class: delay !== null && delay > 100 ? 'warn' : '' }, delay !== null && delay > 100 ? '⚠ ' : '', fmtMs(delay)),
        h('td', null, `${fmtBytes(n.heapUsedBytes)} / ${fmtBytes(n.heapMaxBytes)}`),
        h('td', null, num(n.processCpu) !== null && n.processCpu >= 0 ? fmtPct(n.processCpu) : '–'),
        h('td', null, ago(n.measuredTs || n.lastSeen || n.ts)));
    })))) : h('p', { class: 'empty' }, 'Waiting for node health…'));

  const agents = [...store.agentHealth.entries()];
  fill($('#health-agents'), agents.length ? h('div', { class: 'table-wrap' }, h('table', null,
    h('thead', null, h('tr', null, ['Agent', 'State', 'Status', 'Last seen', 'Heartbeat age'].map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', null, agents.map(([id, a]) => {
      const failed = a.failed === true || String(a.state).toLowerCase() === 'failed';
      const degraded = a.degraded === true || String(a.state).toLowerCase() === 'degraded';
      const stale = a.missing === true || a.status === 'missing';
      return h('tr', { dataset: { agent: id } },
        h('td', null, id),
        h('td', null, stateBadge(a.state)),
        h('td', { class: failed || degraded || stale ? 'warn' : 'ok' },
          stale ? '⚠ missing (no heartbeat)' : failed ? '✖ failed' : degraded ? '⚠ degraded' : '✔ healthy'),
        h('td', null, fmtTime(a.lastSeen)),
        h('td', null, fmtMs(pick(a, 'heartbeatAgeMs', 'heartbeatAge'))));
    })))) : h('p', { class: 'empty' }, 'Waiting for agent health…'));
  renderAgents();
}

function drillProgress(d) {
  let p = num(pick(d, 'progress', 'progressPct'));
  if (p === null) return null;
  if (p <= 1) p *= 100;
  return Math.max(0, Math.min(100, p));
}

function renderDrills() {
  const el = $('#drills');
  const list = [...store.drills.values()].reverse();
  if (!list.length) { fill(el, h('p', { class: 'empty' }, 'No drill has run yet.')); return; }
  const operator = !!token();
  fill(el, list.slice(0, 6).map(d => {
    const id = String(d.drillId || d.id || d.key);
    const status = String(d.status || d.state || 'unknown').toLowerCase();
    const p = drillProgress(d);
    const running = /running|paused|waiting/.test(status);
    return h('article', { class: 'drill', dataset: { drill: id, status } },
      h('header', null, h('h3', null, d.scenario || 'drill'), h('span', { class: 'badge status-' + status }, status),
        h('span', { class: 'meta' }, `id ${id} · seed ${d.seed ?? '–'} · speed ×${d.speed ?? '–'}`)),
      p !== null ? h('div', { class: 'progress' }, h('progress', { max: 100, value: p, 'aria-label': 'drill progress' }),
        ` ${p.toFixed(0)} %`, d.phase ? ` · ${d.phase}` : '') : (d.phase ? h('p', { class: 'meta' }, d.phase) : null),
      h('p', { class: 'meta' }, [d.incidentId ? `incident ${d.incidentId}${d.incidentStatus ? ' (' + d.incidentStatus + ')' : ''}` : 'no incident yet',
        num(d.drillTime) !== null ? `drill time ${drillTime(d.drillTime)}` : null, d.policy ? `policy ${d.policy}` : null,
        d.endReason ? `ended: ${d.endReason}` : null].filter(Boolean).join(' · ')),
      d.awaitingApproval ? h('p', { class: 'warn' }, '⚠ waiting for an operator decision on round ', String(d.awaitingApproval.roundId || d.awaitingApproval)) : null,
      d.faults && Object.keys(d.faults).length ? h('p', { class: 'fault' }, '⚡ faults: ', Object.entries(d.faults).map(([a, f]) => `${a} ${typeof f === 'object' ? JSON.stringify(f) : f}`).join(', ')) : null,
      d.error || d.failure ? h('p', { class: 'alert' }, '⚠ ', d.error || d.failure) : null,
      operator && running ? drillControls(id, status) : null);
  }));
}

function drillControls(id, status) {
  const speedInput = h('input', { type: 'number', min: 1, max: 1000, value: 60, 'aria-label': `speed for drill ${id}`, class: 'small' });
  const agentSelect = h('select', { 'aria-label': `agent to fault in drill ${id}` }, AGENTS.map(a => h('option', { value: a }, a)));
  const faultSelect = h('select', { 'aria-label': `fault to inject in drill ${id}` },
    ['byzantine', 'slow', 'crash'].map(f => h('option', { value: f }, f)));
  return h('div', { class: 'drill-controls' },
    status === 'paused'
      ? h('button', { type: 'button', onclick: () => control({ action: 'resume', drillId: id }, 'Resume') }, '▶ Resume')
      : h('button', { type: 'button', onclick: () => control({ action: 'pause', drillId: id }, 'Pause') }, '❚❚ Pause'),
    h('button', { type: 'button', onclick: () => control({ action: 'stop', drillId: id }, 'Stop') }, '■ Stop'),
    h('span', { class: 'group' }, speedInput,
      h('button', { type: 'button', onclick: () => control({ action: 'speed', drillId: id, speed: num(speedInput.value) || 1 }, 'Speed') }, 'Set speed')),
    h('span', { class: 'group' }, agentSelect, faultSelect,
      h('button', { type: 'button', onclick: () => control({ action: 'inject_fault', drillId: id, agent: agentSelect.value, fault: faultSelect.value }, 'Inject fault') }, '⚡ Inject fault')),
    h('button', { type: 'button', onclick: () => control({ action: 'reset_agents', drillId: id }, 'Reset agents') }, '↺ Reset agents'));
}

const render = {
  agents: scheduler(renderAgents),
  incidents: scheduler(renderIncidents),
  consensus: scheduler(renderConsensus),
  metrics: scheduler(renderMetrics),
  health: scheduler(renderHealth),
  drills: scheduler(renderDrills),
};

// ---------------------------------------------------------------- connection indicator

function renderStatus(state) {
  const el = $('#conn');
  el.dataset.status = state.status;
  const icon = { connected: '●', connecting: '…', reconnecting: '↻', offline: '✖' }[state.status] || '?';
  fill(el.querySelector('.conn-icon'), icon);
  let text = state.status;
  if (state.status !== STATUS.CONNECTED && state.nextAttemptAt) {
    const s = Math.max(0, (state.nextAttemptAt - Date.now()) / 1000);
    text += ` · retry in ${s.toFixed(1)} s (attempt ${state.attempt})`;
  } else if (state.status !== STATUS.CONNECTED && state.node) {
    text += ' · trying now';
  }
  if (state.status !== STATUS.CONNECTED && state.reason) text += ` · ${state.reason}`;
  fill(el.querySelector('.conn-text'), text);
  fill($('#conn-node'), state.node ? new URL(state.node).host : '');
  if (state.status !== STATUS.CONNECTED) fill($('#rtt'), 'RTT –');
}

function renderStreamInfo() {
  const stats = bus.streamStats();
  const parts = Object.entries(stats).map(([a, s]) => `${a.replace('ops.', '')} ${s.offset ?? '–'}${s.gaps ? ' gaps ' + s.gaps : ''}`);
  fill($('#stream-info'), `streams: ${parts.join(' · ')} · connects ${bus.connects}`);
}

// ---------------------------------------------------------------- start

async function main() {
  wireControls();
  renderToken();
  const nodes = await resolveNodes();
  bus = new OpsBus(nodes);
  window.opshub = {
    bus,
    get streamStats() { return bus.streamStats(); },
    get status() { return bus.state.status; },
    get rtt() { return bus.rtt; },
    get connects() { return bus.connects; },
    get statusLog() { return bus.statusLog.slice(); },
    store,
  };
  bus.on('status', renderStatus);
  bus.on('rtt', r => fill($('#rtt'), r.ms === null ? 'RTT –' : `RTT ${Math.max(1, Math.round(r.ms))} ms`));
  bus.on('error', e => showResult(false, `Hub said ${e.error.code}: ${e.error.message}${e.address ? ' (' + e.address + ')' : ''}`));
  bus.subscribe('ops.agents.state', onAgent);
  bus.subscribe('ops.health', onHealth);
  bus.subscribe('ops.incidents', onIncident);
  bus.subscribe('ops.incidents.timeline', onTimeline);
  bus.subscribe('ops.consensus', onConsensus);
  bus.subscribe('ops.metrics.business', onMetrics);
  bus.subscribe('ops.drills', upsertDrill);
  bus.start();
  setInterval(() => {
    renderStatus(bus.state);
    renderStreamInfo();
    for (const el of document.querySelectorAll('.seen[data-ts]')) fill(el, ago(el.dataset.ts));
  }, 250);
  if (token()) loadScenarios();
  loadRecentRounds();
}

main().catch(e => showResult(false, 'The page failed to start: ' + e.message));
