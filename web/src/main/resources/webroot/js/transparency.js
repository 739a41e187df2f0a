// /transparency: recorded drill runs and after-action reports, step by step. REST only, no WebSocket.
// It reads the names of contract/src/main/resources/schema (docs/SCHEMAS.md): GET /api/recorded and
// /api/recorded/{id} (a recorded run: a report plus its steps, decision tree, communications and confidence over
// time), GET /api/reports and /api/drills/{id}/report (a report, whose views this page derives itself).
import { h, fill, $, fmtNum, fmtMinutes, fmtMoney, fmtDateTime, fetchJson } from './dom.js';
import { lineChart } from './charts.js';
import { drillTime, timelineText } from './timeline.js';

const COLORS = { detection: '#2b6cb0', diagnosis: '#c05621', prediction: '#6b46c1', resolution: '#2f855a', communication: '#b83280' };
const RECORDED = 'recorded';
const REPORT = 'report';
let selected = null;

function runButton(kind, id, parts) {
  return h('button', {
    type: 'button', dataset: { kind, id }, 'aria-pressed': selected === kind + ':' + id ? 'true' : 'false',
    onclick: () => choose(kind, id),
  }, parts.filter(Boolean).join(' · '));
}

function mttrPart(mttrMinutes) {
  return mttrMinutes !== null ? `MTTR ${fmtMinutes(mttrMinutes)}` : null;
}

async function loadLists() {
  const [recorded, reports] = await Promise.allSettled([fetchJson('/api/recorded'), fetchJson('/api/reports')]);
  const rec = recorded.status === 'fulfilled' ? recorded.value.runs : null;
  const rep = reports.status === 'fulfilled' ? reports.value.reports : null;
  fill($('#recorded'), rec === null ? h('p', { class: 'alert' }, `⚠ Recorded runs unavailable: ${recorded.reason.code || ''} ${recorded.reason.message}`)
    : rec.length ? rec.map(r => runButton(RECORDED, r.id, [r.scenario, `seed ${r.seed}`, mttrPart(r.mttrMinutes)]))
      : h('p', { class: 'empty' }, 'No recorded run is shipped with this build.'));
  fill($('#reports'), rep === null ? h('p', { class: 'alert' }, `⚠ Reports unavailable: ${reports.reason.code || ''} ${reports.reason.message}`)
    : rep.length ? rep.map(r => runButton(REPORT, r.drillId, [r.scenario, `seed ${r.seed}`, fmtDateTime(r.endedTs), mttrPart(r.mttrMinutes)]))
      : h('p', { class: 'empty' }, 'No drill has finished on this hub yet.'));
  const wanted = new URLSearchParams(location.search);
  if (wanted.get('run')) choose(RECORDED, wanted.get('run'));
  else if (wanted.get('report')) choose(REPORT, wanted.get('report'));
  else if (rec && rec.length) choose(RECORDED, rec[0].id);
  else if (rep && rep.length) choose(REPORT, rep[0].drillId);
}

async function choose(kind, id) {
  selected = kind + ':' + id;
  for (const b of document.querySelectorAll('.runs button')) {
    b.setAttribute('aria-pressed', b.dataset.kind === kind && b.dataset.id === String(id) ? 'true' : 'false');
  }
  const el = $('#run');
  fill(el, h('p', { class: 'empty' }, 'Loading…'));
  try {
    const url = kind === RECORDED ? `/api/recorded/${encodeURIComponent(id)}` : `/api/drills/${encodeURIComponent(id)}/report`;
    const body = await fetchJson(url);
    if (selected === kind + ':' + id) renderRun(body, kind);
  } catch (e) {
    fill(el, h('p', { class: 'alert' }, `⚠ Cannot load ${id}: ${e.code || ''} ${e.message}`));
  }
}

function section(title, ...content) {
  return h('section', { class: 'panel block' }, h('h2', null, title), ...content);
}

function seconds(n) {
  return n < 120 ? `${n.toFixed(0)} s` : `${(n / 60).toFixed(1)} min`;
}

/** Steps with reasoning: a recorded run's own; for a report, the same made from its agent actions. */
function steps(run, kind) {
  if (kind === RECORDED) return run.steps;
  return run.agentActions.map((a, i) => {
    const rec = a.recommendation;   // null when the agent recommended nothing
    return {
      step: i + 1, agent: a.agent, kind: a.kind, at: a.at, elapsedSeconds: a.elapsedSeconds, summary: a.summary,
      action: rec === null ? null : rec.action, confidence: rec === null ? null : rec.confidence,
      risk: rec === null ? null : rec.risk, reasoning: rec === null ? a.summary : rec.reasoning,
      evidence: rec === null ? [] : rec.evidence, alternatives: rec === null ? [] : rec.alternatives,
      fallback: a.fallback, timedOut: a.timedOut,
    };
  });
}

function stepView(s) {
  return h('li', { dataset: { agent: s.agent } },
    h('strong', null, s.agent), h('span', { class: 'meta' }, ` ${s.kind} at ${drillTime(s.at)}, took ${seconds(s.elapsedSeconds)}`),
    s.action !== null ? [' — ', h('code', null, s.action)] : null,
    s.confidence !== null ? ` (confidence ${s.confidence.toFixed(2)}${s.risk !== null ? ', risk ' + s.risk : ''})` : null,
    s.fallback ? h('span', { class: 'warn' }, ' ⚠ fallback result') : null,
    s.timedOut ? h('span', { class: 'warn' }, ' ⚠ timed out') : null,
    s.reasoning ? h('p', null, s.reasoning) : null,
    s.summary && s.summary !== s.reasoning ? h('p', { class: 'meta' }, s.summary) : null,
    s.evidence.length ? h('div', null, h('em', null, 'Evidence'), h('ul', null, s.evidence.map(e =>
      h('li', null, h('code', null, e.source), ' ', e.description, ` (confidence ${e.confidence.toFixed(2)})`)))) : null,
    s.alternatives.length ? h('div', null, h('em', null, 'Alternatives considered'), h('ul', { class: 'alternatives' }, s.alternatives.map(a =>
      h('li', { class: a.chosen ? 'chosen' : '' }, a.chosen ? '✔ ' : '○ ', a.option, ' — p = ', a.probability.toFixed(2),
        a.chosen ? ' (chosen)' : '')))) : null);
}

/** Decision tree: a recorded run's own; for a report, the same made from its consensus rounds. */
function decisionTree(run, kind) {
  if (kind === RECORDED) return run.decisionTree;
  return run.consensusRounds.map(r => ({
    roundId: r.roundId, at: r.at, winner: r.winner, score: r.score, requiresApproval: r.requiresApproval,
    decision: r.decision, decidedBy: r.decidedBy, excluded: r.exclusions,
    options: Object.entries(r.scores).map(([action, score]) => ({
      action, score, chosen: action === r.winner,
      backers: r.votes.filter(v => v.action === action && !v.excluded).map(v => v.agent),
    })),
  }));
}

function treeView(run, kind) {
  const rounds = decisionTree(run, kind);
  if (!rounds.length) return h('p', { class: 'empty' }, 'No decision recorded.');
  // the tree's nodes do not carry their round's approval threshold; the rounds do
  const thresholds = new Map(run.consensusRounds.map(r => [r.roundId, r.threshold]));
  return h('ul', { class: 'tree' }, h('li', null, h('strong', null, `incident ${run.incident.id}`),
    run.incident.rootCause !== null ? ` — root cause ${run.incident.rootCause}` : '',
    h('ul', null, rounds.map(r => h('li', null,
      `consensus round ${r.roundId} at ${drillTime(r.at)}: `,
      h('strong', null, r.decision.replace(/_/g, ' ')), r.decidedBy !== null ? ` by ${r.decidedBy}` : '',
      r.winner !== null && r.requiresApproval
        ? ` (score under the ${fmtNum(thresholds.get(r.roundId), 2)} threshold: human approval required)` : '',
      h('ul', null,
        r.options.slice().sort((a, b) => b.score - a.score).map(o => h('li', { class: o.chosen ? 'chosen' : '' },
          o.chosen ? h('strong', null, '✔ ' + o.action) : '○ ' + o.action,
          ` score ${fmtNum(o.score, 3)}`, o.backers.length ? ` (backed by ${o.backers.join(', ')})` : '')),
        r.excluded.map(x => h('li', { class: 'excluded' }, `⊘ ${x.agent} excluded: ${x.reason}`))))))));
}

function roundView(r) {
  return h('article', { class: 'round' },
    h('h3', null, `Round ${r.roundId}`, ' ', h('span', { class: 'badge' }, r.decision.replace(/_/g, ' '))),
    h('div', { class: 'table-wrap' }, h('table', null,
      h('thead', null, h('tr', null, ['Agent', 'Action', 'Confidence', 'Weight', 'Weighted', 'Excluded'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', null, r.votes.map(v => h('tr', { class: v.excluded ? 'excluded' : '' },
        h('td', null, v.excluded ? '⊘ ' : '', v.agent), h('td', null, v.action),
        h('td', null, v.confidence.toFixed(3)), h('td', null, v.weight.toFixed(1)),
        h('td', null, v.excluded ? '–' : fmtNum(v.weighted, 3)),
        h('td', null, v.excluded ? v.reason : 'no')))))),
    h('p', { class: 'decision' }, h('strong', null, 'Winner: '), r.winner ?? 'none',
      ` (score ${r.score.toFixed(3)}, threshold ${fmtNum(r.threshold, 2)})`,
      r.decidedBy !== null ? ` — ${r.decision.replace(/_/g, ' ')} by ${r.decidedBy}` : ''));
}

function renderRun(run, kind) {
  const el = $('#run');
  const st = steps(run, kind);
  const { outcome, success } = run;
  const comms = kind === RECORDED ? run.communications : [];
  const phases = Object.entries(run.phaseDurations);
  const chart = h('div', { class: 'chart', role: 'img', 'aria-label': 'confidence of each agent over drill time' });
  fill(el,
    section(`Run ${run.drillId}: ${run.title}`,
      h('p', { class: 'meta' }, [`scenario ${run.scenario}`, `severity ${run.severity}`, `seed ${run.seed}`, `speed ×${run.speed}`,
        `policy ${run.policy}`, `ended: ${outcome.reason}`,
        kind === RECORDED ? `recorded ${run.recordedAt}` : `ended ${fmtDateTime(run.endedTs)}`].join(' · ')),
      h('div', { class: 'kpis' },
        h('div', { class: 'kpi', dataset: { kpi: 'mttr' } }, h('div', { class: 'label' }, 'MTTR'), h('div', { class: 'value' }, fmtMinutes(outcome.mttrMinutes)),
          h('div', { class: 'sub' }, [`traditional ${fmtMinutes(outcome.traditionalMttrMinutes)}`,
            outcome.improvementPct !== null ? `${outcome.improvementPct.toFixed(0)} % faster` : null].filter(Boolean).join(' · '))),
        h('div', { class: 'kpi', dataset: { kpi: 'sla' } }, h('div', { class: 'label' }, 'SLA'), h('div', { class: 'value' },
          outcome.slaMet ? '✔ met' : '✖ breached'),
          h('div', { class: 'sub' }, `target ${fmtMinutes(outcome.slaMinutes)}`)),
        h('div', { class: 'kpi', dataset: { kpi: 'cost' } }, h('div', { class: 'label' }, 'Cost avoided'), h('div', { class: 'value' }, fmtMoney(outcome.costAvoided)),
          h('div', { class: 'sub' }, `at ${fmtMoney(outcome.costPerMinute)}/min`)),
        h('div', { class: 'kpi', dataset: { kpi: 'decision' } }, h('div', { class: 'label' }, 'Decision'), h('div', { class: 'value' },
          outcome.automated ? 'automated' : outcome.humanDecision ? 'human' : '–'), h('div', { class: 'sub' }, `${fmtNum(outcome.rounds)} consensus round(s)`))),
      h('p', null, h('strong', null, 'Success criteria: '), success.criteria),
      h('p', { class: 'meta' }, `expected root cause ${success.expectedRootCause}, diagnosed ${success.diagnosedRootCause ?? '–'}`)),
    section('Phase durations (drill time)', phases.length ? h('div', { class: 'table-wrap' }, h('table', null,
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Phase'), h('th', { scope: 'col' }, 'Duration'))),
      h('tbody', null, phases.map(([k, v]) => h('tr', null, h('td', null, k), h('td', null, seconds(v))))))) : h('p', { class: 'empty' }, 'No phase recorded.')),
    section('Agent reasoning, step by step', st.length ? h('ol', { class: 'steps' }, st.map(stepView)) : h('p', { class: 'empty' }, 'No agent step recorded.')),
    section('Confidence over time', chart),
    section('Decision tree', treeView(run, kind)),
    section('Consensus rounds', run.consensusRounds.length ? run.consensusRounds.map(roundView) : h('p', { class: 'empty' }, 'No consensus round recorded.')),
    section('Agent-to-agent communications', comms.length ? h('ol', { class: 'comms' }, comms.map(c =>
      h('li', null, h('span', { class: 'meta' }, drillTime(c.at)), ' ', h('strong', null, c.from), ' → ', h('strong', null, c.to), ': ', c.message)))
      : h('p', { class: 'empty' }, 'This report lists no communications (recorded runs do).')),
    section('Timeline', run.timeline.length ? h('ol', { class: 'timeline' }, run.timeline.map(e => h('li', null, h('time', null, drillTime(e.at)), ' ', timelineText(e))))
      : h('p', { class: 'empty' }, 'No timeline recorded.')));
  drawConfidence(chart, run, kind, st);
}

function drawConfidence(el, run, kind, st) {
  // {agent: [[at, confidence], ...]}: a recorded run's own; for a report, from the steps with a recommendation
  let byAgent = run.confidenceOverTime;
  if (kind !== RECORDED) {
    byAgent = {};
    for (const s of st) {
      if (s.confidence !== null) (byAgent[s.agent] ??= []).push([s.at, s.confidence]);
    }
  }
  const agents = Object.keys(byAgent).filter(a => byAgent[a].length);
  if (!agents.length) { fill(el, h('p', { class: 'empty' }, 'No confidence value recorded.')); return; }
  const xs = [...new Set(agents.flatMap(a => byAgent[a].map(p => p[0])))].sort((a, b) => a - b);
  const series = agents.map(a => {
    const m = new Map(byAgent[a].map(p => [p[0], p[1]]));
    return { label: a, color: COLORS[a], values: xs.map(x => (m.has(x) ? m.get(x) : null)) };
  });
  requestAnimationFrame(() => lineChart(el, xs, series, { xLabel: 'drill time (s)', yLabel: 'confidence', yRange: [0, 1] }));
}

loadLists().catch(e => fill($('#recorded'), h('p', { class: 'alert' }, '⚠ ' + e.message)));
