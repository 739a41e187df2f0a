// Small DOM helpers shared by the dashboards. Data is always inserted as text, never as HTML.

/** h('div', {class: 'x', onclick: fn}, 'text', child, [more]) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/** Replaces the children of el. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export const $ = (sel, root = document) => root.querySelector(sel);

export function num(v) {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

export function fmtNum(v, digits = 0) {
  const n = num(v);
  return n === null ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function fmtPct(v, digits = 1) {
  const n = num(v);
  if (n === null) return '–';
  return (n <= 1 && n >= 0 ? n * 100 : n).toFixed(digits) + ' %';
}

export function fmtMoney(v) {
  const n = num(v);
  return n === null ? '–' : '$' + n.toLocaleString('en-US', { maximumFractionDigits: 0 });
}

export function fmtMinutes(v) {
  const n = num(v);
  return n === null ? '–' : n.toFixed(1) + ' min';
}

export function fmtMs(v) {
  const n = num(v);
  if (n === null) return '–';
  if (n < 1000) return Math.round(n) + ' ms';
  if (n < 120000) return (n / 1000).toFixed(1) + ' s';
  return (n / 60000).toFixed(1) + ' min';
}

export function fmtBytes(v) {
  const n = num(v);
  if (n === null) return '–';
  if (n < 1024 * 1024) return (n / 1024).toFixed(0) + ' KiB';
  return (n / 1024 / 1024).toFixed(0) + ' MiB';
}

export function fmtTime(ts) {
  const n = num(ts);
  if (n === null || n <= 0) return '–';
  return new Date(n).toLocaleTimeString('en-GB', { hour12: false });
}

export function fmtDateTime(ts) {
  const n = num(ts);
  if (n === null || n <= 0) return '–';
  return new Date(n).toLocaleString('en-GB', { hour12: false });
}

/** Fetches JSON; rejects with an Error carrying .status and .code from the hub's error body. */
export async function fetchJson(url, options = {}) {
  const res = await fetch(url, { ...options, headers: { Accept: 'application/json', ...(options.headers || {}) } });
  let body = null;
  const text = await res.text();
  if (text) {
    try { body = JSON.parse(text); } catch { body = null; }
  }
  if (!res.ok) {
    const err = new Error((body && body.message) || res.statusText || ('HTTP ' + res.status));
    err.status = res.status;
    err.code = (body && body.error) || 'http_' + res.status;
    throw err;
  }
  return body;
}

/** Batches re-renders to one per animation frame. */
export function scheduler(fn) {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; fn(); });
  };
}
