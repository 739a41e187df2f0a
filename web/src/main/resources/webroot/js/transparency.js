// /transparency: recorded drill runs and after-action reports, step by step. REST only, no WebSocket.
import { h, fill, $, num, fmtNum, fmtMinutes, fmtMoney, fmtDateTime, fetchJson } from './dom.js';
import { lineChart } from './charts.js';

const COLORS = { detection: '#2b6cb0', diagnosis: '#c05621', prediction: '#6b46c1', resolution: '#2f855a', communication: '#b83280' };
let selected = null;

function list(v) {
  if (Array.isArray(v)) return v;
  if (v && typeof v === 'object') {
    for (const k of ['items', 'runs', 'reports', 'recorded']) if (Array.isArray(v[k])) return v[k];
  }
  return [];
}

function runButton(kind, item) {
  const id = item.id || item.drillId || item.runId;
  const label = [item.scenario || item.name || id, item.seed !== undefined ? `seed ${item.seed}` : null,
    item.endedTs ? fmtDateTime(item.endedTs) : null,
    num(item.mttrMinutes) !== null ? `MTTR ${fmtMinutes(item.mttrMinutes)}` : null].filter(Boolean).join(' · ');
  return h('button', {
    type: 'button', dataset: { kind, id }, 'aria-pressed': selected === kind + ':' + id ? 'true' : 'false',
    onclick: () => choose(kind, id),
  }, label || String(id));
}

async function loadLists() {
  const [recorded, reports] = await Promise.allSettled([fetchJson('/api/recorded'), fetchJson('/api/reports')]);
  const rec = recorded.status === 'fulfilled' ? list(recorded.value) : null;
  const rep = reports.status === 'fulfilled' ? list(reports.value) : null;
  fill($('#recorded'), rec === null ? h('p', { class: 'alert' }, `⚠ Recorded runs unavailable: ${recorded.reason.code || ''} ${recorded.reason.message}`)
    : rec.length ? rec.map(r => runButton('recorded', r)) : h('p', { class: 'empty' }, 'No recorded run is shipped with this build.'));
  fill($('#reports'), rep === null ? h('p', { class: 'alert' }, `⚠ Reports unavailable: ${reports.reason.code || ''} ${reports.reason.message}`)
    : rep.length ? rep.map(r => runButton('report', r)) : h('p', { class: 'empty' }, 'No drill has finished on this hub yet.'));
  const wanted = new URLSearchParams(location.search);
  if (wanted.get('run')) choose('recorded', wanted.get('run'));
  else if (wanted.get('report')) choose('report', wanted.get('report'));
  else if (rec && rec.length) choose('recorded', rec[0].id || rec[0].drillId || rec[0].runId);
  else if (rep && rep.length) choose('report', rep[0].drillId || rep[0].id);
}

async function choose(kind, id) {
  selected = kind + ':' + id;
  for (const b of document.querySelectorAll('.runs button')) {
    b.setAttribute('aria-pressed', b.dataset.kind === kind && b.dataset.id === String(id) ? 'true' : 'false');
  }
  const el = $('#run');
  fill(el, h('p', { class: 'empty' }, 'Loading…'));
  try {
    const url = kind === 'recorded' ? `/api/recorded/${encodeURIComponent(id)}` : `/api/drills/${encodeURIComponent(id)}/report`;
    const body = await fetchJson(url);
    if (selected === kind + ':' + id) renderRun(body);
  } catch (e) {
    fill(el, h('p', { class: 'alert' }, `⚠ Cannot load ${id}: ${e.code || ''} ${e.message}`));
  }
}

function section(title, ...content) {
  return h('section', { class: 'panel block' }, h('h2', null, title), ...content);
}

/** Drill time (seconds since the drill started) as text. */
function dt(at) {
  const n = num(at);
  if (n === null) return '–';
  return n < 120 ? `t+${n.toFixed(0)} s` : `t+${Math.floor(n / 60)}m${String(Math.round(n % 60)).padStart(2, '0')}s`;
}

function seconds(v) {
  const n = num(v);
  if (n === null) return '–';
  return n < 120 ? `${n.toFixed(0)} s` : `${(n / 60).toFixed(1)} min`;
}

/** Steps with reasoning: the recorded run's own, else the report's agent actions. */
function steps(report) {
  if (Array.isArray(report.steps)) return report.steps;
  return list(report.agentActions).map((a, i) => {
    const rec = a.recommendation || {};
    return {
      step: i + 1, agent: a.agent, kind: a.kind, at: a.at, elapsedSeconds: a.elapsedSeconds, summary: a.summary,
      action: rec.action, confidence: rec.confidence ?? a.confidence, risk: rec.risk, reasoning: rec.reasoning || a.summary,
      evidence: rec.evidence || [], alternatives: rec.alternatives || [], fallback: a.fallback, timedOut: a.timedOut,
    };
  });
}

function stepView(s) {
  const evidence = list(s.evidence);
  const alts = list(s.alternatives);
  const c = num(s.confidence);
  return h('li', { dataset: { agent: s.agent } },
    h('strong', null, s.agent || '?'), h('span', { class: 'meta' }, ` ${s.kind || ''} at ${dt(s.at)}`,
      num(s.elapsedSeconds) !== null ? `, took ${seconds(s.elapsedSeconds)}` : ''),
    s.action ? [' — ', h('code', null, s.action)] : null,
    c !== null ? ` (confidence ${c.toFixed(2)}${s.risk ? ', risk ' + s.risk : ''})` : null,
    s.fallback ? h('span', { class: 'warn' }, ' ⚠ fallback result') : null,
    s.timedOut ? h('span', { class: 'warn' }, ' ⚠ timed out') : null,
    s.reasoning ? h('p', null, s.reasoning) : null,
    s.summary && s.summary !== s.reasoning ? h('p', { class: 'meta' }, s.summary) : null,
    evidence.length ? h('div', null, h('em', null, 'Evidence'), h('ul', null, evidence.map(e =>
      h('li', null, h('code', null, e.source || '?'), ' ', e.description || '', num(e.confidence) !== null ? ` (confidence ${num(e.confidence).toFixed(2)})` : '')))) : null,
    alts.length ? h('div', null, h('em', null, 'Alternatives considered'), h('ul', { class: 'alternatives' }, alts.map(a =>
      h('li', { class: a.chosen ? 'chosen' : '' }, a.chosen ? '✔ ' : '○ ', a.option || '?', ' — p = ',
        num(a.probability) !== null ? num(a.probability).toFixed(2) : '–', a.chosen ? ' (chosen)' : '')))) : null);
}

/** Decision tree: the run's own, else one built from its consensus rounds. */
function decisionTree(report) {
  if (Array.isArray(report.decisionTree)) return report.decisionTree;
  return list(report.consensusRounds).map(r => ({
    roundId: r.roundId, at: r.at, winner: r.winner, score: r.score, requiresApproval: r.requiresApproval,
    decision: r.decision, decidedBy: r.decidedBy, excluded: r.exclusions || [],
    options: Object.entries(r.scores || {}).map(([action, score]) => ({
      action, score, chosen: action === r.winner,
      backers: list(r.votes).filter(v => v.action === action && !v.excluded).map(v => v.agent),
    })),
  }));
}

function treeView(report) {
  const rounds = decisionTree(report);
  if (!rounds.length) return h('p', { class: 'empty' }, 'No decision recorded.');
  const incident = report.incident || {};
  return h('ul', { class: 'tree' }, h('li', null, h('strong', null, `incident ${incident.id || ''}`),
    incident.rootCause ? ` — root cause ${incident.rootCause}` : '',
    h('ul', null, rounds.map(r => h('li', null,
      `consensus round ${r.roundId || ''} at ${dt(r.at)}: `,
      h('strong', null, String(r.decision || '').replace(/_/g, ' ')), r.decidedBy ? ` by ${r.decidedBy}` : '',
      r.requiresApproval ? ' (score under the 0.85 threshold: human approval required)' : '',
      h('ul', null,
        list(r.options).sort((a, b) => (num(b.score) || 0) - (num(a.score) || 0)).map(o => h('li', { class: o.chosen ? 'chosen' : '' },
          o.chosen ? h('strong', null, '✔ ' + o.action) : '○ ' + o.action,
          ` score ${fmtNum(o.score, 3)}`, list(o.backers).length ? ` (backed by ${list(o.backers).join(', ')})` : '')),
        list(r.excluded).map(x => h('li', { class: 'excluded' }, `⊘ ${x.agent} excluded: ${x.reason || 'no reason'}`))))))));
}

function roundView(r) {
  const votes = list(r.votes);
  const excluded = list(r.exclusions || r.excluded);
  return h('article', { class: 'round' },
    h('h3', null, `Round ${r.roundId || r.id || ''}`, ' ', h('span', { class: 'badge' }, String(r.decision || r.status || 'decided').replace(/_/g, ' '))),
    h('div', { class: 'table-wrap' }, h('table', null,
      h('thead', null, h('tr', null, ['Agent', 'Action', 'Confidence', 'Weight', 'Weighted', 'Excluded'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', null, votes.map(v => {
        const ex = v.excluded ? (v.reason || (excluded.find(x => x.agent === v.agent) || {}).reason || 'yes') : null;
        const c = num(v.confidence);
        const w = num(v.weight);
        return h('tr', { class: ex ? 'excluded' : '' }, h('td', null, ex ? '⊘ ' : '', v.agent || '?'), h('td', null, v.action || '?'),
          h('td', null, c === null ? '–' : c.toFixed(3)), h('td', null, w === null ? '–' : w.toFixed(1)),
          h('td', null, ex ? '–' : fmtNum(num(v.weighted) ?? (c !== null && w !== null ? c * w : null), 3)),
          h('td', null, ex || 'no'));
      })))),
    h('p', { class: 'decision' }, h('strong', null, 'Winner: '), r.winner || 'none',
      num(r.score) !== null ? ` (score ${num(r.score).toFixed(3)}, threshold ${fmtNum(r.threshold ?? 0.85, 2)})` : '',
      r.decidedBy ? ` — ${String(r.decision || '').replace(/_/g, ' ')} by ${r.decidedBy}` : ''));
}

function phases(report) {
  const p = report.phaseDurations || (report.incident && report.incident.phaseDurations);
  if (Array.isArray(p)) return p.map(x => [x.phase || x.name, num(x.seconds ?? x.durationSeconds)]);
  if (p && typeof p === 'object') return Object.entries(p).map(([k, v]) => [k, num(v)]);
  return [];
}

function timelineText(e) {
  const move = e.to ? `${e.from || '∅'} → ${e.to}` : '';
  const decision = e.winner ? `${e.winner}${num(e.score) !== null ? ' (score ' + num(e.score).toFixed(3) + ')' : ''}${e.decision ? ' ' + e.decision : ''}${e.decidedBy ? ' by ' + e.decidedBy : ''}` : '';
  return [e.type, e.agent ? `[${e.agent}]` : '', move, decision, e.reason || e.summary || e.message || ''].filter(Boolean).join(' ');
}

function renderRun(report) {
  const el = $('#run');
  const st = steps(report);
  const outcome = report.outcome || report.mttr || {};
  const rounds = list(report.consensusRounds);
  const comms = list(report.communications);
  const ph = phases(report);
  const tl = list(report.timeline);
  const success = report.success || {};
  const chart = h('div', { class: 'chart', role: 'img', 'aria-label': 'confidence of each agent over drill time' });
  fill(el,
    section(`Run ${report.drillId || report.id || ''}: ${report.title || report.scenario || ''}`,
      h('p', { class: 'meta' }, [report.scenario ? `scenario ${report.scenario}` : null, report.severity ? `severity ${report.severity}` : null,
        report.seed !== undefined ? `seed ${report.seed}` : null, report.speed !== undefined ? `speed ×${report.speed}` : null,
        report.policy ? `policy ${report.policy}` : null, outcome.reason ? `ended: ${outcome.reason}` : null,
        report.recordedAt ? `recorded ${report.recordedAt}` : (report.endedTs ? `ended ${fmtDateTime(report.endedTs)}` : null)].filter(Boolean).join(' · ')),
      h('div', { class: 'kpis' },
        h('div', { class: 'kpi', dataset: { kpi: 'mttr' } }, h('div', { class: 'label' }, 'MTTR'), h('div', { class: 'value' }, fmtMinutes(outcome.mttrMinutes)),
          h('div', { class: 'sub' }, [num(outcome.traditionalMttrMinutes) !== null ? `traditional ${fmtMinutes(outcome.traditionalMttrMinutes)}` : null,
            num(outcome.improvementPct) !== null ? `${num(outcome.improvementPct).toFixed(0)} % faster` : null].filter(Boolean).join(' · '))),
        h('div', { class: 'kpi', dataset: { kpi: 'sla' } }, h('div', { class: 'label' }, 'SLA'), h('div', { class: 'value' },
          outcome.slaMet === true ? '✔ met' : outcome.slaMet === false ? '✖ breached' : '–'),
          h('div', { class: 'sub' }, num(outcome.slaMinutes) !== null ? `target ${fmtMinutes(outcome.slaMinutes)}` : '')),
        h('div', { class: 'kpi', dataset: { kpi: 'cost' } }, h('div', { class: 'label' }, 'Cost avoided'), h('div', { class: 'value' }, fmtMoney(outcome.costAvoided)),
          h('div', { class: 'sub' }, num(outcome.costPerMinute) !== null ? `at ${fmtMoney(outcome.costPerMinute)}/min` : '')),
        h('div', { class: 'kpi', dataset: { kpi: 'decision' } }, h('div', { class: 'label' }, 'Decision'), h('div', { class: 'value' },
          outcome.automated === true ? 'automated' : outcome.humanDecision ? 'human' : '–'), h('div', { class: 'sub' }, `${fmtNum(outcome.rounds)} consensus round(s)`))),
      success.criteria ? h('p', null, h('strong', null, 'Success criteria: '), success.criteria) : null,
      success.expectedRootCause ? h('p', { class: 'meta' }, `expected root cause ${success.expectedRootCause}, diagnosed ${success.diagnosedRootCause || '–'}`) : null),
    section('Phase durations (drill time)', ph.length ? h('div', { class: 'table-wrap' }, h('table', null,
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Phase'), h('th', { scope: 'col' }, 'Duration'))),
      h('tbody', null, ph.map(([k, v]) => h('tr', null, h('td', null, k), h('td', null, seconds(v))))))) : h('p', { class: 'empty' }, 'No phase recorded.')),
    section('Agent reasoning, step by step', st.length ? h('ol', { class: 'steps' }, st.map(stepView)) : h('p', { class: 'empty' }, 'No agent step recorded.')),
    section('Confidence over time', chart),
    section('Decision tree', treeView(report)),
    section('Consensus rounds', rounds.length ? rounds.map(roundView) : h('p', { class: 'empty' }, 'No consensus round recorded.')),
    section('Agent-to-agent communications', comms.length ? h('ol', { class: 'comms' }, comms.map(c =>
      h('li', null, h('span', { class: 'meta' }, dt(c.at)), ' ', h('strong', null, c.from || '?'), ' → ', h('strong', null, c.to || 'all'), ': ', c.message || '')))
      : h('p', { class: 'empty' }, 'This report lists no communications (recorded runs do).')),
    section('Timeline', tl.length ? h('ol', { class: 'timeline' }, tl.map(e => h('li', null, h('time', null, dt(e.at)), ' ', timelineText(e))))
      : h('p', { class: 'empty' }, 'No timeline recorded.')));
  drawConfidence(chart, report, st);
}

function drawConfidence(el, report, st) {
  // {agent: [[at, confidence], ...]} from the run, else from the steps
  let byAgent = report.confidenceOverTime;
  if (!byAgent || typeof byAgent !== 'object' || Array.isArray(byAgent)) {
    byAgent = {};
    for (const s of st) {
      if (s.agent && num(s.at) !== null && num(s.confidence) !== null && num(s.confidence) >= 0) {
        (byAgent[s.agent] = byAgent[s.agent] || []).push([num(s.at), num(s.confidence)]);
      }
    }
  }
  const agents = Object.keys(byAgent).filter(a => Array.isArray(byAgent[a]) && byAgent[a].length);
  if (!agents.length) { fill(el, h('p', { class: 'empty' }, 'No confidence value recorded.')); return; }
  const xs = [...new Set(agents.flatMap(a => byAgent[a].map(p => num(p[0]))).filter(x => x !== null))].sort((a, b) => a - b);
  const series = agents.map(a => {
    const m = new Map(byAgent[a].map(p => [num(p[0]), num(p[1])]));
    return { label: a, color: COLORS[a] || '#4a5568', values: xs.map(x => (m.has(x) ? m.get(x) : null)) };
  });
  requestAnimationFrame(() => lineChart(el, xs, series, { xLabel: 'drill time (s)', yLabel: 'confidence', yRange: [0, 1] }));
}

loadLists().catch(e => fill($('#recorded'), h('p', { class: 'alert' }, '⚠ ' + e.message)));
