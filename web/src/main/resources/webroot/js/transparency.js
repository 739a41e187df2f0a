// /transparency: recorded drill runs and after-action reports, step by step. REST only, no WebSocket.
import { h, fill, $, num, pick, fmtNum, fmtPct, fmtMoney, fmtMinutes, fmtMs, fmtTime, fmtDateTime, fetchJson } from './dom.js';
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
    item.finishedAt || item.endedAt ? fmtDateTime(item.finishedAt || item.endedAt) : null].filter(Boolean).join(' · ');
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
  return h('section', { class: 'panel', style: 'margin-top:14px' }, h('h2', null, title), ...content);
}

function steps(report) {
  return list(pick(report, 'steps', 'agentActions', 'actions', 'recommendations', 'reasoning') || []);
}

function stepView(s, t0) {
  const rec = s.recommendation || s;
  const evidence = list(rec.evidence || []);
  const alts = list(rec.alternatives || []);
  const at = num(pick(s, 'ts', 'at', 'time'));
  return h('li', { dataset: { agent: s.agent || rec.agent } },
    h('strong', null, s.agent || rec.agent || '?'),
    at !== null ? h('span', { class: 'meta' }, ` +${fmtMs(t0 !== null ? at - t0 : at)}`) : null,
    s.phase ? h('span', { class: 'meta' }, ` · ${s.phase}`) : null,
    rec.action ? [' — ', h('code', null, rec.action)] : null,
    num(rec.confidence) !== null ? ` (confidence ${num(rec.confidence).toFixed(2)}${rec.risk ? ', risk ' + rec.risk : ''})` : null,
    rec.fallback || s.fallback ? h('span', { class: 'warn' }, ' ⚠ fallback result') : null,
    s.state ? h('span', { class: 'meta' }, ` state ${s.state}`) : null,
    rec.reasoning || s.text || s.message ? h('p', null, rec.reasoning || s.text || s.message) : null,
    evidence.length ? h('div', null, h('em', null, 'Evidence'), h('ul', null, evidence.map(e =>
      h('li', null, h('code', null, e.source || '?'), ' ', e.description || '', num(e.confidence) !== null ? ` (${num(e.confidence).toFixed(2)})` : '')))) : null,
    alts.length ? h('div', null, h('em', null, 'Alternatives considered'), h('ul', { class: 'alternatives' }, alts.map(a =>
      h('li', { class: a.chosen ? 'chosen' : '' }, a.chosen ? '✔ ' : '○ ', a.option || '?', ' — p = ',
        num(a.probability) !== null ? num(a.probability).toFixed(2) : '–', a.chosen ? ' (chosen)' : '')))) : null);
}

function treeNode(node) {
  if (!node || typeof node !== 'object') return h('li', null, String(node));
  const label = node.label || node.name || node.decision || node.option || node.node || node.question || '?';
  const extra = [num(node.score) !== null ? `score ${num(node.score).toFixed(3)}` : null,
    num(node.probability) !== null ? `p ${num(node.probability).toFixed(2)}` : null, node.chosen ? 'chosen' : null,
    node.outcome || null].filter(Boolean).join(', ');
  const kids = list(node.children || node.branches || []);
  return h('li', { class: node.chosen ? 'chosen' : '' }, node.chosen ? h('strong', null, '✔ ' + label) : label,
    extra ? h('span', { class: 'meta' }, ` (${extra})`) : null,
    kids.length ? h('ul', null, kids.map(treeNode)) : null);
}

function derivedTree(report, rounds) {
  // without an explicit tree: each consensus round is a decision between the proposed actions
  return {
    label: `incident ${pick(report, 'incident.id', 'incidentId') || ''}`.trim(),
    children: rounds.map(r => {
      const scores = r.scores || {};
      const winner = pick(r, 'winner.action', 'decision.action', 'action', 'winner', 'decision');
      return {
        label: `consensus round ${r.roundId || r.id || ''}`,
        outcome: r.status || r.outcome,
        children: Object.entries(scores).map(([action, score]) => ({ label: action, score, chosen: action === winner })),
      };
    }),
  };
}

function roundView(r) {
  const votes = list(r.votes || r.recommendations || []);
  const excluded = list(r.excluded || []);
  const winner = pick(r, 'winner.action', 'decision.action', 'action', 'winner', 'decision');
  const score = num(pick(r, 'winner.score', 'decision.score', 'score'));
  return h('article', { class: 'round' },
    h('h3', null, `Round ${r.roundId || r.id || ''}`, ' ', h('span', { class: 'badge' }, String(r.status || r.outcome || 'decided'))),
    h('div', { class: 'table-wrap' }, h('table', null,
      h('thead', null, h('tr', null, ['Agent', 'Action', 'Confidence', 'Weight', 'Score', 'Excluded'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', null, votes.map(v => {
        const ex = v.excluded || excluded.find(x => x.agent === v.agent);
        const c = num(v.confidence);
        const w = num(v.weight);
        return h('tr', { class: ex ? 'excluded' : '' }, h('td', null, ex ? '⊘ ' : '', v.agent || '?'), h('td', null, v.action || '?'),
          h('td', null, c === null ? '–' : c.toFixed(2)), h('td', null, w === null ? '–' : w.toFixed(1)),
          h('td', null, ex ? '–' : fmtNum(num(v.score) ?? (c !== null && w !== null ? c * w : null), 3)),
          h('td', null, ex ? (v.reason || v.exclusionReason || (typeof ex === 'object' && ex.reason) || 'yes') : 'no'));
      })))),
    h('p', { class: 'decision' }, h('strong', null, 'Decision: '), winner || 'none',
      score !== null ? ` (score ${score.toFixed(3)})` : '',
      r.requiresApproval || r.requiresHumanApproval ? ' — under 0.85, needed human approval' : ''));
}

function phases(report) {
  const p = pick(report, 'phaseDurations', 'phases');
  if (Array.isArray(p)) return p.map(x => [x.phase || x.name, num(pick(x, 'durationMs', 'ms', 'duration'))]);
  if (p && typeof p === 'object') return Object.entries(p).map(([k, v]) => [k, num(typeof v === 'object' ? pick(v, 'durationMs', 'ms') : v)]);
  return [];
}

function renderRun(report) {
  const el = $('#run');
  const st = steps(report);
  const times = st.map(s => num(pick(s, 'ts', 'at', 'time'))).filter(t => t !== null);
  const t0 = num(pick(report, 'startedAt', 'detectedAt', 'incident.detectedAt')) ?? (times.length ? Math.min(...times) : null);
  const rounds = list(pick(report, 'consensusRounds', 'consensus', 'rounds') || []);
  const comms = list(pick(report, 'communications', 'messages', 'agentCommunications') || []);
  const tree = pick(report, 'decisionTree', 'tree');
  const ph = phases(report);
  const mttr = num(pick(report, 'mttrMinutes', 'mttr.minutes', 'mttr'));
  const trad = num(pick(report, 'traditionalMttrMinutes', 'traditionalMttr', 'mttr.traditional'));
  const sla = num(pick(report, 'slaMinutes', 'sla.targetMinutes', 'slaTargetMinutes'));
  const slaMet = pick(report, 'slaMet', 'sla.met');

  const chart = h('div', { class: 'chart', role: 'img', 'aria-label': 'confidence of each agent over time' });
  fill(el,
    section(`Run ${report.drillId || report.id || ''}`,
      h('p', { class: 'meta' }, [report.scenario ? `scenario ${report.scenario}` : null, report.seed !== undefined ? `seed ${report.seed}` : null,
        report.speed !== undefined ? `speed ×${report.speed}` : null, report.status || report.outcome || null].filter(Boolean).join(' · ')),
      h('div', { class: 'kpis' },
        h('div', { class: 'kpi' }, h('div', { class: 'label' }, 'MTTR'), h('div', { class: 'value' }, fmtMinutes(mttr)),
          h('div', { class: 'sub' }, trad !== null ? `traditional ${fmtMinutes(trad)}` : '')),
        h('div', { class: 'kpi' }, h('div', { class: 'label' }, 'SLA'), h('div', { class: 'value' },
          slaMet === undefined ? '–' : slaMet ? '✔ met' : '✖ breached'), h('div', { class: 'sub' }, sla !== null ? `target ${fmtMinutes(sla)}` : '')),
        h('div', { class: 'kpi' }, h('div', { class: 'label' }, 'Cost avoided'), h('div', { class: 'value' }, fmtMoney(pick(report, 'costAvoided'))),
          h('div', { class: 'sub' }, 'against the traditional MTTR')))),
    section('Phase durations', ph.length ? h('div', { class: 'table-wrap' }, h('table', null,
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Phase'), h('th', { scope: 'col' }, 'Duration'))),
      h('tbody', null, ph.map(([k, v]) => h('tr', null, h('td', null, k), h('td', null, fmtMs(v))))))) : h('p', { class: 'empty' }, 'No phase recorded.')),
    section('Agent reasoning, step by step', st.length ? h('ol', { class: 'steps' }, st.map(s => stepView(s, t0))) : h('p', { class: 'empty' }, 'No agent step recorded.')),
    section('Confidence over time', chart),
    section('Decision tree', h('ul', { class: 'tree' }, treeNode(tree || derivedTree(report, rounds)))),
    section('Consensus rounds', rounds.length ? rounds.map(roundView) : h('p', { class: 'empty' }, 'No consensus round recorded.')),
    section('Agent-to-agent communications', comms.length ? h('ol', { class: 'comms' }, comms.map(c =>
      h('li', null, h('time', { class: 'meta' }, fmtTime(pick(c, 'ts', 'at'))), ' ', h('strong', null, c.from || c.agent || '?'),
        ' → ', h('strong', null, c.to || (Array.isArray(c.recipients) ? c.recipients.join(', ') : 'all')), ': ',
        c.message || c.summary || c.text || c.type || ''))) : h('p', { class: 'empty' }, 'No communication recorded.')),
    section('Timeline', (() => {
      const tl = list(pick(report, 'timeline', 'events') || []);
      return tl.length ? h('ol', { class: 'timeline' }, tl.map(e => h('li', null, h('time', null, t0 !== null && num(e.ts) !== null ? '+' + fmtMs(num(e.ts) - t0) : fmtTime(e.ts)), ' ',
        [e.type || e.kind, e.agent ? `[${e.agent}]` : '', e.from && e.to ? `${e.from} → ${e.to}` : (e.to || e.status || ''), e.message || e.description || e.detail || ''].filter(Boolean).join(' '))))
        : h('p', { class: 'empty' }, 'No timeline recorded.');
    })()));
  drawConfidence(chart, st, t0, pick(report, 'confidence', 'confidenceOverTime'));
}

function drawConfidence(el, st, t0, given) {
  // points (agent, t, confidence) from the report's own series, else from the steps
  let points = [];
  if (Array.isArray(given)) points = given.map(p => ({ agent: p.agent, t: num(pick(p, 'ts', 'at')), c: num(p.confidence) }));
  else points = st.map(s => ({ agent: s.agent || (s.recommendation && s.recommendation.agent), t: num(pick(s, 'ts', 'at', 'time')),
    c: num(pick(s, 'confidence', 'recommendation.confidence')) }));
  points = points.filter(p => p.agent && p.t !== null && p.c !== null && p.c >= 0);
  if (!points.length) { fill(el, h('p', { class: 'empty' }, 'No confidence value recorded.')); return; }
  const base = t0 ?? Math.min(...points.map(p => p.t));
  const xs = [...new Set(points.map(p => (p.t - base) / 1000))].sort((a, b) => a - b);
  const agents = [...new Set(points.map(p => p.agent))];
  const series = agents.map(a => {
    const byX = new Map(points.filter(p => p.agent === a).map(p => [(p.t - base) / 1000, p.c]));
    return { label: a, color: COLORS[a] || '#4a5568', values: xs.map(x => (byX.has(x) ? byX.get(x) : null)) };
  });
  requestAnimationFrame(() => lineChart(el, xs, series, { xLabel: 'seconds since start', yLabel: 'confidence', yRange: [0, 1] }));
}

loadLists().catch(e => fill($('#recorded'), h('p', { class: 'alert' }, '⚠ ' + e.message)));
