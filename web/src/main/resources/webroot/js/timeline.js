// Drill times and incident timeline entries as text, shared by /ops and /transparency.

/** A drill time (seconds since the drill started) as t+42 s or t+12m05s. */
export function drillTime(n) {
  return n < 120 ? `t+${n.toFixed(0)} s` : `t+${Math.floor(n / 60)}m${String(Math.round(n % 60)).padStart(2, '0')}s`;
}

const DETAIL = {
  agent: e => [`[${e.agent}]`, e.summary],
  transition: e => [`${e.from ?? '∅'} → ${e.to}`, e.reason],
  transition_rejected: e => [`${e.from} → ${e.to ?? '∅'}`, e.reason],
  consensus: e => [e.winner === null ? e.decision : `${e.winner} (score ${e.score.toFixed(3)}) ${e.decision}`],
  decision: e => [`${e.winner} ${e.decision} by ${e.decidedBy}`],
  remediation: e => [e.summary],
  remediation_ineffective: e => [`${e.action}:`, e.reason],
  fault: e => [`[${e.agent}]`, e.fault],
  agents_reset: () => [],
};

/** One line for a timeline entry, by its type (contract/src/main/resources/schema/ops.incidents.timeline.schema.json). */
export function timelineText(e) {
  const detail = DETAIL[e.type];
  return [e.type, ...(detail ? detail(e) : [])].join(' ');
}

/**
 * Puts a timeline entry into an incident's list, one entry per seq in seq order: an entry sent again (by an engine
 * that took the drill over) replaces the one shown instead of showing twice. Entries without a seq are appended.
 */
export function placeTimelineEntry(list, entry) {
  const at = typeof entry.seq === 'number' ? list.findIndex(e => typeof e.seq === 'number' && e.seq >= entry.seq) : -1;
  if (at < 0) list.push(entry);
  else if (list[at].seq === entry.seq) list[at] = entry;
  else list.splice(at, 0, entry);
  return list;
}
