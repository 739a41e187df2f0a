// /ops: the live operations dashboard, the only page that opens the bridge.
// It reads the field names of contract/src/main/resources/schema/*.schema.json (docs/SCHEMAS.md), and only those:
// one schema per ops.* stream body, the drill control reply and the REST bodies below.
import { OpsBus, STATUS, resolveNodes, uuid } from './eventbus.js';
import { h, fill, $, num, fmtNum, fmtPct, fmtMoney, fmtMinutes, fmtMs, fmtBytes, fmtTime, fetchJson, scheduler } from './dom.js';
import { sparkline } from './charts.js';
import { drillTime, placeTimelineEntry, timelineText } from './timeline.js';

const AGENTS = ['detection', 'diagnosis', 'prediction', 'resolution', 'communication'];
const LIFECYCLE = ['detected', 'triaged', 'investigating', 'diagnosed', 'resolving', 'resolved', 'closed'];
const STATE_ICONS = {
  idle: '○', analyzing: '◔', proposing: '◑', waiting: '◕', acting: '●', degraded: '⚠', failed: '✖', missing: '⊘',
};
const AGENT_VERDICTS = {
  ok: '✔ healthy', degraded: '⚠ degraded', failed: '✖ failed', missing: '⊘ missing',
};
// why an agent is missing or a node down (reason in ops.health)
const GONE_WHY = { left: 'its node left the cluster', silent: 'no heartbeat' };
const DOWN_WHY = { left: 'left the cluster', silent: 'silent' };
const ACTIVE = ['running', 'paused'];   // drill states that take controls
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

/** Codes of a request no engine answered (none active, or one taking over): a start is sent again. */
const NO_ANSWER = ['no_engine', 'timeout', 'no_handlers'];
const START_ATTEMPTS = 5;

/** Sends a start (with its request key) until an engine answers it, a second apart, at most START_ATTEMPTS times. */
async function requestStart(body, label) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await bus.request('ops.control.drills', body, { token: token() });
    } catch (e) {
      if (!NO_ANSWER.includes(e.code) || attempt >= START_ATTEMPTS) throw e;
      showResult(false, `${label}: no engine answered (attempt ${attempt} of ${START_ATTEMPTS}); sending it again…`);
      await new Promise(resolve => setTimeout(resolve, 1000));
    }
  }
}

async function control(body, label) {
  if (!token()) {
    showResult(false, 'Enter the operator token first.');
    return null;
  }
  try {
    const reply = body.action === 'start'
      ? await requestStart({ ...body, requestKey: uuid() }, label)
      : await bus.request('ops.control.drills', body, { token: token() });
    showResult(true, `${label}: ok (drill ${reply.id}), ${reply.state}`);
    // the incident in the reply may be older than the one ops.incidents already brought: the stream wins
    const { incident, ...drill } = reply;
    upsertDrill(drill);
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
    scenarios = (await fetchJson('/api/scenarios')).scenarios;
    fill(select, scenarios.map(s => h('option', { value: s.id }, `${s.id} (${s.severity})`)));
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
    const { reports } = await fetchJson('/api/reports');
    for (const r of reports.slice(0, 3)) {   // newest drill first, its last round first; live rounds stay in front
      const report = await fetchJson(`/api/drills/${encodeURIComponent(r.drillId)}/report`);
      for (const round of report.consensusRounds.slice().reverse()) {
        if (!store.rounds.some(x => x.roundId === round.roundId)) store.rounds.push(round);
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
  store.drills.set(d.id, d);
  while (store.drills.size > MAX_DRILLS) store.drills.delete(store.drills.keys().next().value);
  render.drills();
}

function onAgent(body) {
  store.agents.set(body.agent, body);
  render.agents();
}

function onIncident(body) {
  store.incidents.delete(body.id);
  store.incidents.set(body.id, body);
  while (store.incidents.size > MAX_INCIDENTS) store.incidents.delete(store.incidents.keys().next().value);
  render.incidents();
}

function onTimeline(body) {
  const id = body.incidentId;
  if (!store.timeline.has(id)) store.timeline.set(id, []);
  const list = store.timeline.get(id);
  placeTimelineEntry(list, body);
  if (list.length > MAX_TIMELINE) list.splice(0, list.length - MAX_TIMELINE);
  while (store.timeline.size > MAX_INCIDENTS) store.timeline.delete(store.timeline.keys().next().value);
  render.incidents();
}

function onConsensus(body) {
  const at = store.rounds.findIndex(r => r.roundId === body.roundId);
  if (at >= 0) store.rounds.splice(at, 1);
  store.rounds.unshift(body);
  if (store.rounds.length > MAX_ROUNDS) store.rounds.length = MAX_ROUNDS;
  render.consensus();
}

/** The overall figures of an ops.metrics.business body (ops.metrics.business.schema.json). */
function metricValues(m) {
  const { mttr, sla } = m.overall;
  return {
    mttr: mttr.meanMinutes,
    mttrLow: mttr.ci95LowMinutes,
    mttrHigh: mttr.ci95HighMinutes,
    cost: m.overall.costAvoided,
    automation: m.overall.automationRate,   // 0..1
    sla: sla.compliance,                    // 0..1
    slaMet: sla.met,
    slaBreached: sla.breached,
    incidents: m.overall.incidents,
  };
}

function onMetrics(body) {
  store.metrics = body;
  const v = metricValues(body);
  const hist = store.history;
  hist.ts.push(body.ts / 1000);
  hist.mttr.push(v.mttr);
  hist.cost.push(v.cost);
  hist.automation.push(v.automation * 100);
  hist.sla.push(v.sla * 100);
  for (const k of Object.keys(hist)) if (hist[k].length > MAX_POINTS) hist[k].splice(0, hist[k].length - MAX_POINTS);
  render.metrics();
}

function onHealth(body) {
  if (body.kind === 'agent') store.agentHealth.set(body.agent, body);
  else store.nodes.set(body.nodeId, body);
  render.health();
}

// ---------------------------------------------------------------- rendering

function stateBadge(state) {
  return h('span', { class: 'badge state-' + state, dataset: { state } },
    h('span', { class: 'icon', 'aria-hidden': 'true' }, STATE_ICONS[state]), ' ', state.toUpperCase());
}

/** An agent's confidence: -1 before its first result; a byzantine agent may send more than 1, shown as 100 %. */
function confidenceBar(c) {
  if (c < 0) return h('span', { class: 'muted' }, 'no result yet');
  const clamped = Math.min(1, c);
  return h('span', { class: 'conf' },
    h('meter', { min: 0, max: 1, value: clamped, 'aria-label': 'confidence' }),
    ' ', (clamped * 100).toFixed(0) + ' %');
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
    const state = a.state;
    // when the engine last heard from it (null: never, for a missing agent), kept fresh by the ticker below
    const seen = health ? health.lastSeen : a.ts;
    const flagged = state === 'degraded' || state === 'failed' || state === 'missing';
    const alert = { failed: ['✖ ', 'Agent failed — fallback in use'], degraded: ['⚠ ', 'Agent degraded — fallback result shown'],
      missing: ['⊘ ', 'Agent missing — no active instance on any node'] }[state];
    return h('article', { class: 'agent' + (flagged ? ' flagged' : ''), dataset: { agent: id, state } },
      h('h3', null, id, ' ', stateBadge(state)),
      alert ? h('p', { class: 'alert' }, h('span', { 'aria-hidden': 'true' }, alert[0]), alert[1]) : null,
      h('dl', null,
        h('dt', null, 'Confidence'), h('dd', null, confidenceBar(a.confidence)),
        h('dt', null, 'Incident'), h('dd', null, a.incidentId ?? '—'),
        h('dt', null, 'Last action'), h('dd', { class: 'last-action' }, a.lastAction ?? '—'),
        a.fault !== null ? [h('dt', null, 'Fault'), h('dd', { class: 'fault' }, '⚡ ' + a.fault)] : null,
        h('dt', null, state === 'missing' ? 'Last node' : 'Node'), h('dd', null, a.node ?? '—'),
        h('dt', null, 'Seen'), h('dd', { class: 'seen', dataset: { ts: seen } }, ago(seen))));
  }));
}

function lifecycle(s) {
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

function renderIncidents() {
  const el = $('#incidents');
  const list = [...store.incidents.values()].reverse();
  if (!list.length) { fill(el, h('p', { class: 'empty' }, 'No incident yet. Start a drill to see one.')); return; }
  const open = new Set([...el.querySelectorAll('details[open]')].map(d => d.dataset.id));
  fill(el, list.slice(0, 8).map(inc => {
    const { id, status } = inc;
    // entries seen live since the page opened, else the latest ones the incident carries itself
    const events = store.timeline.get(id) ?? inc.timeline;
    const impact = inc.businessImpact;
    const outcome = [
      inc.rootCause !== null ? `root cause: ${inc.rootCause}` : null,
      inc.action !== null ? `action: ${inc.action}` : null,
      inc.mttrMinutes !== null ? `MTTR ${fmtMinutes(inc.mttrMinutes)}` : null,
      inc.slaMet === true ? '✔ SLA met' : inc.slaMet === false ? '✖ SLA breached' : null,
    ].filter(Boolean);
    return h('article', { class: 'incident', dataset: { incident: id, status } },
      h('header', null,
        h('h3', null, inc.title),
        h('span', { class: 'badge sev-' + inc.severity }, inc.severity.toUpperCase()),
        h('span', { class: 'badge status status-' + status }, status)),
      h('p', { class: 'meta' }, [
        `scenario ${inc.scenario}`,
        `id ${id}`,
        `detected at drill ${drillTime(inc.detectedAt)}`,
        inc.resolvedAt !== null ? `resolved at ${drillTime(inc.resolvedAt)}` : null,
        impact.affectedUsers ? `${fmtNum(impact.affectedUsers)} users` : null,
        inc.affectedServices.length ? `services: ${inc.affectedServices.join(', ')}` : null,
      ].filter(Boolean).join(' · ')),
      outcome.length ? h('p', { class: 'meta' }, outcome.join(' · ')) : null,
      inc.failureReason !== null ? h('p', { class: 'alert' }, '⚠ ', inc.failureReason) : null,
      lifecycle(status),
      h('details', { dataset: { id }, open: open.has(id) },
        h('summary', null, `Timeline (${events.length})`),
        events.length ? h('ol', { class: 'timeline' }, events.slice(-15).reverse().map(e =>
          h('li', null, h('time', null, drillTime(e.at)), ' ', timelineText(e)))) : h('p', { class: 'muted' }, 'no event yet')));
  }));
}

function renderConsensus() {
  const el = $('#consensus');
  if (!store.rounds.length) { fill(el, h('p', { class: 'empty' }, 'No consensus round yet.')); return; }
  fill(el, store.rounds.slice(0, 5).map(r => {
    const id = r.roundId;
    const status = r.decision;
    const pending = status === 'awaiting_approval' && !store.decided.has(id);
    // a round without a winner also says requiresApproval, but there is nothing to approve
    const underThreshold = r.winner !== null && r.requiresApproval;
    return h('article', { class: 'round', dataset: { round: id, status } },
      h('header', null, h('h3', null, `Round ${id}`),
        h('span', { class: 'badge' }, status.replace(/_/g, ' '))),
      // live rounds carry their publish time; rounds read from a report do not
      h('p', { class: 'meta' }, [`incident ${r.incidentId}`, `drill ${r.drillId}`, drillTime(r.at),
        r.ts !== undefined ? fmtTime(r.ts) : null].filter(Boolean).join(' · ')),
      h('div', { class: 'table-wrap' }, h('table', { class: 'votes' },
        h('caption', { class: 'sr-only' }, 'Votes'),
        h('thead', null, h('tr', null, ['Agent', 'Action', 'Confidence', 'Weight', 'Score'].map(t => h('th', { scope: 'col' }, t)))),
        h('tbody', null, r.votes.map(v => h('tr', { class: v.excluded ? 'excluded' : '' },
          h('td', null, v.excluded ? '⊘ ' : '', v.agent),
          h('td', null, v.action),
          h('td', null, v.confidence.toFixed(2)),
          h('td', null, v.weight.toFixed(1)),
          h('td', null, v.excluded ? 'excluded' : fmtNum(v.weighted, 3))))))),
      r.exclusions.length ? h('ul', { class: 'excluded-list' }, r.exclusions.map(x =>
        h('li', null, h('span', { 'aria-hidden': 'true' }, '⊘ '), `${x.agent} excluded: ${x.reason}`))) : null,
      Object.keys(r.scores).length ? h('p', { class: 'meta' }, 'Scores: ' + Object.entries(r.scores)
        .map(([a, s]) => `${a} ${fmtNum(s, 3)}`).join(', ')) : null,
      h('p', { class: 'decision' }, h('strong', null, 'Decision: '), r.winner ?? 'none',
        ` (score ${r.score.toFixed(3)}${underThreshold ? `, under ${r.threshold}: needs approval` : ''})`,
        r.decidedBy !== null ? ` — ${status.replace(/_/g, ' ')} by ${r.decidedBy}` : '',
        store.decided.has(id) && r.decidedBy === null ? ` — ${store.decided.get(id)}` : ''),
      pending && token() ? h('div', { class: 'row' },
        h('button', { type: 'button', class: 'approve', onclick: () => decide(r, 'approve') }, '✔ Approve'),
        h('button', { type: 'button', class: 'reject', onclick: () => decide(r, 'reject') }, '✖ Reject')) : null,
      pending && !token() ? h('p', { class: 'hint' }, 'Waiting for an operator to approve or reject.') : null);
  }));
}

async function decide(round, action) {
  const id = round.roundId;
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
    mttr: [fmtMinutes(v.mttr), `95 % CI ${v.mttrLow.toFixed(1)}–${v.mttrHigh.toFixed(1)} min`],
    cost: [fmtMoney(v.cost), 'against traditional MTTR'],
    automation: [fmtPct(v.automation), 'resolved without approval'],
    sla: [fmtPct(v.sla), `${fmtNum(v.slaMet)} met · ${fmtNum(v.slaBreached)} breached`],
  };
  for (const t of TILES) {
    const tileEl = el.querySelector(`.tile[data-metric="${t.id}"]`);
    fill(tileEl.querySelector('.tile-value'), values[t.id][0]);
    fill(tileEl.querySelector('.tile-sub'), values[t.id][1]);
    sparkline(tileEl.querySelector('.spark'), store.history.ts, store.history[t.series], t.color);
  }
  $('#metrics-empty').hidden = v.incidents !== 0;
  fill($('#metrics-meta'), `incidents counted: ${fmtNum(v.incidents)} · updated ${fmtTime(store.metrics.ts)}`);
}

function renderHealth() {
  const nodes = [...store.nodes.values()];
  fill($('#health-nodes'), nodes.length ? h('div', { class: 'table-wrap' }, h('table', null,
    h('thead', null, h('tr', null, ['Node', 'Roles', 'Connections', 'Deliveries/s', 'Loop delay', 'Heap', 'CPU', 'Updated']
      .map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', null, nodes.map(n => {
      // a node that is down (left the cluster, or silent) is reported once with its last-seen time and no figures
      const down = n.status === 'down';
      const slow = !down && n.eventLoopDelayMs > 100;
      return h('tr', { dataset: { node: n.nodeId, status: n.status } },
        h('td', { class: down ? 'warn' : '' }, down ? '✖ ' : '✔ ', n.nodeId,
          down ? ` (down${n.reason ? ': ' + (DOWN_WHY[n.reason] ?? n.reason) : ''})` : ''),
        h('td', null, down ? '' : n.roles.join(', ')),
        h('td', null, fmtNum(n.connections)),
        h('td', null, fmtNum(n.deliveriesPerSec, 1)),
        h('td', { class: slow ? 'warn' : '' }, slow ? '⚠ ' : '', fmtMs(n.eventLoopDelayMs)),
        h('td', null, `${fmtBytes(n.heapUsedBytes)} / ${fmtBytes(n.heapMaxBytes)}`),
        h('td', null, !down && n.processCpu >= 0 ? fmtPct(n.processCpu) : '–'),
        h('td', null, ago(down ? n.lastSeen : n.measuredTs)));
    })))) : h('p', { class: 'empty' }, 'Waiting for node health…'));

  const agents = [...store.agentHealth.entries()];
  fill($('#health-agents'), agents.length ? h('div', { class: 'table-wrap' }, h('table', null,
    h('thead', null, h('tr', null, ['Agent', 'State', 'Status', 'Last seen', 'Heartbeat age'].map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', null, agents.map(([id, a]) => h('tr', { dataset: { agent: id } },
      h('td', null, id),
      h('td', null, stateBadge(a.state)),
      h('td', { class: a.status === 'ok' ? 'ok' : 'warn' }, AGENT_VERDICTS[a.status],
        a.status === 'missing' && a.reason ? ` (${GONE_WHY[a.reason] ?? a.reason})` : ''),
      h('td', null, fmtTime(a.lastSeen)),
      h('td', null, fmtMs(a.heartbeatAgeMs))))))) : h('p', { class: 'empty' }, 'Waiting for agent health…'));
  renderAgents();
}

function renderDrills() {
  const el = $('#drills');
  const list = [...store.drills.values()].reverse();
  if (!list.length) { fill(el, h('p', { class: 'empty' }, 'No drill has run yet.')); return; }
  const operator = !!token();
  fill(el, list.slice(0, 6).map(d => {
    const { id, state } = d;
    const p = d.progress * 100;
    return h('article', { class: 'drill', dataset: { drill: id, status: state } },
      h('header', null, h('h3', null, d.scenario), h('span', { class: 'badge status-' + state }, state),
        h('span', { class: 'meta' }, `id ${id} · seed ${d.seed} · speed ×${d.speed}`)),
      h('div', { class: 'progress' }, h('progress', { max: 100, value: p, 'aria-label': 'drill progress' }),
        ` ${p.toFixed(0)} % · ${d.phase}`),
      h('p', { class: 'meta' }, [d.incidentId !== null ? `incident ${d.incidentId} (${d.incidentStatus})` : 'no incident yet',
        `drill time ${drillTime(d.drillTime)}`, `policy ${d.policy}`,
        d.endReason !== null ? `ended: ${d.endReason}` : null].filter(Boolean).join(' · ')),
      d.awaitingApproval !== null ? h('p', { class: 'warn' }, '⚠ waiting for an operator decision on round ', d.awaitingApproval.roundId) : null,
      Object.keys(d.faults).length ? h('p', { class: 'fault' }, '⚡ faults: ', Object.entries(d.faults).map(([a, f]) => `${a} ${f}`).join(', ')) : null,
      operator && ACTIVE.includes(state) ? drillControls(id, state) : null);
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
  const via = state.status === STATUS.CONNECTED && state.transport ? ` · ${state.transport}` : '';
  fill($('#conn-node'), state.node ? new URL(state.node).host + via : '');
  if (state.status !== STATUS.CONNECTED) fill($('#rtt'), 'RTT –');
  renderEngine(state.status === STATUS.CONNECTED ? bus.engine : null);
}

// what the connected web node knows of the engine (its ops.ping answer): on the minority side of a cut, none
const ENGINE_TEXT = {
  no_quorum: 'no engine in this part of the cluster',
  no_engine: 'no active engine',
};

function renderEngine(engine) {
  const el = $('#conn-engine');
  const missing = engine && engine.active === false;
  el.hidden = !missing;
  el.dataset.reason = missing ? engine.reason || 'no_engine' : '';
  $('#conn').dataset.engine = !engine ? 'unknown' : engine.active ? 'active' : 'none';
  fill(el, missing ? ENGINE_TEXT[engine.reason] || ENGINE_TEXT.no_engine : '');
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
    get engine() { return bus.engine; },
    get connects() { return bus.connects; },
    get statusLog() { return bus.statusLog.slice(); },
    store,
  };
  bus.on('status', renderStatus);
  bus.on('rtt', r => {
    fill($('#rtt'), r.ms === null ? 'RTT –' : `RTT ${Math.max(1, Math.round(r.ms))} ms`);
    renderEngine(r.ms === null ? null : r.engine);
  });
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
