// /demo: the executive summary, polled from GET /api/summary. No WebSocket, no event bus.
import { h, fill, $, num, pick, fmtNum, fmtPct, fmtMoney, fmtMinutes, fmtDateTime, fetchJson } from './dom.js';

const POLL_MS = 5000;

function kpi(label, value, sub, name) {
  return h('div', { class: 'kpi', dataset: { kpi: name } },
    h('div', { class: 'label' }, label), h('div', { class: 'value' }, value), sub ? h('div', { class: 'sub' }, sub) : null);
}

function overallOf(s) {
  return s.overall || s.metrics || s;
}

function values(o) {
  const mttr = num(pick(o, 'mttrMinutes', 'mttr.meanMinutes', 'mttr.mean', 'mttr'));
  const traditional = num(pick(o, 'traditionalMttrMinutes', 'mttr.traditional', 'traditionalMttr', 'mttr.traditionalMinutes'));
  return {
    incidents: num(pick(o, 'incidentsHandled', 'incidents', 'resolved', 'mttr.n')),
    mttr, traditional,
    low: num(pick(o, 'mttr.ci95LowMinutes', 'mttr.ci95Low')),
    high: num(pick(o, 'mttr.ci95HighMinutes', 'mttr.ci95High')),
    improvementPct: num(pick(o, 'improvementPct')) ??
      (mttr !== null && traditional ? 100 * (traditional - mttr) / traditional : null),
    cost: num(pick(o, 'costAvoided', 'costAvoidedUsd', 'cost.avoided')),
    automation: num(pick(o, 'automationRate', 'automation.rate')),
    sla: num(pick(o, 'slaCompliance', 'sla.compliance', 'sla.rate')),
    slaMet: num(pick(o, 'slaMet', 'sla.met')),
    slaBreached: num(pick(o, 'slaBreached', 'sla.breached')),
  };
}

function render(summary) {
  const o = overallOf(summary || {});
  const v = values(o);
  const drills = pick(summary, 'latestDrills', 'drills', 'recent', 'latest') || [];
  const none = (v.incidents === null || v.incidents === 0) && (!Array.isArray(drills) || drills.length === 0);
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
      [v.traditional !== null ? `traditional ${fmtMinutes(v.traditional)}` : null,
        v.improvementPct !== null && v.incidents ? `${v.improvementPct.toFixed(0)} % faster` : null,
        v.low !== null && v.high !== null ? `95 % CI ${v.low.toFixed(1)}–${v.high.toFixed(1)} min` : null].filter(Boolean).join(' · '), 'mttr'),
    kpi('Cost avoided', fmtMoney(v.cost), 'against the traditional MTTR', 'cost'),
    kpi('Automation rate', fmtPct(v.automation), 'resolved without human approval', 'automation'),
    kpi('SLA compliance', fmtPct(v.sla), v.slaMet !== null ? `${fmtNum(v.slaMet)} met · ${fmtNum(v.slaBreached)} breached` : null, 'sla'));

  const per = pick(summary, 'perScenario', 'scenarios', 'byScenario');
  const rows = Array.isArray(per) ? per : (per && typeof per === 'object' ? Object.entries(per).map(([k, x]) => ({ scenario: k, ...x })) : []);
  fill($('#scenarios'), rows.length ? h('div', { class: 'table-wrap' }, h('table', null,
    h('thead', null, h('tr', null, ['Scenario', 'Incidents', 'MTTR', 'Traditional', 'Cost avoided', 'Automation', 'SLA'].map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', null, rows.map(r => {
      const x = values(r);
      return h('tr', null, h('td', null, r.scenario || r.id || '?'), h('td', null, fmtNum(x.incidents)), h('td', null, fmtMinutes(x.mttr)),
        h('td', null, fmtMinutes(x.traditional)), h('td', null, fmtMoney(x.cost)), h('td', null, fmtPct(x.automation)), h('td', null, fmtPct(x.sla)));
    })))) : h('p', { class: 'empty' }, 'No scenario has finished a drill yet.'));

  fill($('#latest'), Array.isArray(drills) && drills.length ? h('div', { class: 'table-wrap' }, h('table', null,
    h('thead', null, h('tr', null, ['Drill', 'Scenario', 'Status', 'MTTR', 'SLA', 'Cost avoided', 'Finished'].map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', null, drills.slice(0, 10).map(d => {
      const met = pick(d, 'slaMet', 'sla.met');
      return h('tr', null, h('td', null, d.drillId || d.id || '?'), h('td', null, d.scenario || '?'),
        h('td', null, d.state || d.status || '–', d.resolved === true ? ' ✔ resolved' : d.resolved === false ? ' ✖ not resolved' : '', d.automated === false ? ' (human decision)' : ''),
        h('td', null, fmtMinutes(pick(d, 'mttrMinutes', 'mttr'))),
        h('td', null, met === undefined ? '–' : met ? '✔ met' : '✖ breached'),
        h('td', null, fmtMoney(pick(d, 'costAvoided'))), h('td', null, fmtDateTime(pick(d, 'endedTs', 'finishedAt', 'ts'))));
    })))) : h('p', { class: 'empty' }, 'No drill yet.'));
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
