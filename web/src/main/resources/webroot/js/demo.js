// /demo: the executive summary, polled from GET /api/summary (api.summary.schema.json). No WebSocket, no event bus.
import { h, fill, $, fmtNum, fmtPct, fmtMoney, fmtMinutes, fmtDateTime, fetchJson } from './dom.js';

const POLL_MS = 5000;

function kpi(label, value, sub, name) {
  return h('div', { class: 'kpi', dataset: { kpi: name } },
    h('div', { class: 'label' }, label), h('div', { class: 'value' }, value), sub ? h('div', { class: 'sub' }, sub) : null);
}

/**
 * The figures of the summary itself or of one of its perScenario entries: both carry mttr, traditionalMttrMinutes,
 * improvementPct, costAvoided, automationRate and sla under the same names; the count is incidentsHandled in the
 * summary and incidents in a scenario's figures.
 */
function values(f, incidents) {
  return {
    incidents,
    mttr: f.mttr.meanMinutes,
    traditional: f.traditionalMttrMinutes,
    low: f.mttr.ci95LowMinutes,
    high: f.mttr.ci95HighMinutes,
    improvementPct: f.improvementPct,
    cost: f.costAvoided,
    automation: f.automationRate,
    sla: f.sla.compliance,
    slaMet: f.sla.met,
    slaBreached: f.sla.breached,
  };
}

function render(summary) {
  const v = values(summary, summary.incidentsHandled);
  const drills = summary.latestDrills;
  const none = v.incidents === 0 && drills.length === 0;
  $('#empty').hidden = !none;
  // before any drill every figure is a zero that means "nothing yet", not a result
  if (none) {
    fill($('#kpis'));
    fill($('#scenarios'), h('p', { class: 'empty' }, 'No scenario has finished a drill yet.'));
    fill($('#latest'), h('p', { class: 'empty' }, 'No drill yet.'));
    return;
  }
  fill($('#kpis'),
    kpi('Incidents handled', fmtNum(v.incidents), null, 'incidents'),
    kpi('MTTR', fmtMinutes(v.mttr),
      [`traditional ${fmtMinutes(v.traditional)}`,
        v.incidents ? `${v.improvementPct.toFixed(0)} % faster` : null,
        `95 % CI ${v.low.toFixed(1)}–${v.high.toFixed(1)} min`].filter(Boolean).join(' · '), 'mttr'),
    kpi('Cost avoided', fmtMoney(v.cost), 'against the traditional MTTR', 'cost'),
    kpi('Automation rate', fmtPct(v.automation), 'resolved without human approval', 'automation'),
    kpi('SLA compliance', fmtPct(v.sla), `${fmtNum(v.slaMet)} met · ${fmtNum(v.slaBreached)} breached`, 'sla'));

  const rows = Object.entries(summary.perScenario);
  fill($('#scenarios'), rows.length ? h('div', { class: 'table-wrap' }, h('table', null,
    h('thead', null, h('tr', null, ['Scenario', 'Incidents', 'MTTR', 'Traditional', 'Cost avoided', 'Automation', 'SLA'].map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', null, rows.map(([scenario, f]) => {
      const x = values(f, f.incidents);
      return h('tr', null, h('td', null, scenario), h('td', null, fmtNum(x.incidents)), h('td', null, fmtMinutes(x.mttr)),
        h('td', null, fmtMinutes(x.traditional)), h('td', null, fmtMoney(x.cost)), h('td', null, fmtPct(x.automation)), h('td', null, fmtPct(x.sla)));
    })))) : h('p', { class: 'empty' }, 'No scenario has finished a drill yet.'));

  // the latest after-action reports, as GET /api/reports lists them
  fill($('#latest'), drills.length ? h('div', { class: 'table-wrap' }, h('table', null,
    h('thead', null, h('tr', null, ['Drill', 'Scenario', 'Status', 'MTTR', 'SLA', 'Cost avoided', 'Finished'].map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', null, drills.slice(0, 10).map(d => h('tr', null, h('td', null, d.drillId), h('td', null, d.scenario),
      h('td', null, d.state, d.resolved ? ' ✔ resolved' : ' ✖ not resolved', d.automated ? '' : ' (human decision)'),
      h('td', null, fmtMinutes(d.mttrMinutes)),
      h('td', null, d.slaMet ? '✔ met' : '✖ breached'),
      h('td', null, fmtMoney(d.costAvoided)), h('td', null, fmtDateTime(d.endedTs))))))) : h('p', { class: 'empty' }, 'No drill yet.'));
}

function status(ok, text) {
  const el = $('#poll');
  el.dataset.status = ok ? 'connected' : 'offline';
  fill(el.querySelector('.conn-icon'), ok ? '●' : '✖');
  fill(el.querySelector('.conn-text'), text);
}

async function poll() {
  try {
    const summary = await fetchJson('/api/summary');
    render(summary);
    status(true, 'updated ' + new Date().toLocaleTimeString('en-GB', { hour12: false }));
  } catch (e) {
    status(false, `hub unavailable (${e.code || e.message}), retrying`);
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

poll();
