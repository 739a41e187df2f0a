// The Vert.x event-bus bridge protocol over SockJS (what @vertx/eventbus-bridge-client.js speaks:
// register / unregister / send with reply / publish / ping every 5 s), with opshub's extensions:
//  - resume: the last epoch/offset seen per address is sent as register headers on every reconnect, so the
//    node replays what was missed; snapshot ("snapshot":"true") messages are accepted; duplicates are dropped
//  - round-trip time: a request to ops.ping (answered by the web node itself) every few seconds; the answer
//    also says whether that node knows an active engine (engine: {active, reason: no_quorum | no_engine})
//  - reconnect forever with exponential backoff 100 ms -> 30 s and jitter, and failover across node URLs
//  - status: connecting / connected / reconnecting (with the next attempt's time) / offline
//  - transports: WebSocket first, then the HTTP fallbacks the bridge serves (for proxies without WebSocket);
//    ?transports=xhr-streaming (comma list) in the page URL, or the transports option, pins them
// SockJS comes from the sockjs-client webjar as the global window.SockJS.

const DEFAULTS = {
  path: '/eventbus',
  pingIntervalMs: 5000,
  rttIntervalMs: 3000,
  replyTimeoutMs: 10000,
  minBackoffMs: 100,
  maxBackoffMs: 30000,
  offlineAfterAttempts: 8,
  maxPendingReplies: 256,
  maxKeysPerAddress: 5000,
  // message ids (header id, a drill's messages have one) kept per address to drop a copy an engine sent again
  maxIdsPerAddress: 2000,
  // sockjs-client transport names, in order of preference: those the bridge serves
  transports: ['websocket', 'xhr-streaming', 'eventsource', 'xhr-polling'],
};

/** The transports pinned by ?transports=a,b in the page URL, or null. */
export function transportsFromQuery(search = location.search) {
  const param = new URLSearchParams(search).get('transports');
  if (!param) return null;
  const list = param.split(',').map(s => s.trim()).filter(s => /^[a-z-]+$/.test(s));
  return list.length ? list : null;
}

export const STATUS = Object.freeze({
  CONNECTING: 'connecting', CONNECTED: 'connected', RECONNECTING: 'reconnecting', OFFLINE: 'offline',
});

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return 'r-' + Math.random().toString(36).slice(2) + Date.now().toString(36);
}

/** An error from the bus: .code is the short code (access_denied, timeout, ...), .status the failure code. */
export class BusError extends Error {
  constructor(code, message, status) {
    super(message || code);
    this.code = code;
    this.status = status;
  }
}

function errorFrom(json) {
  // the official bridge sends {type:'err', body:'access_denied'}; failed replies carry failureCode + "code: detail"
  if (typeof json.body === 'string' && !json.message) return new BusError(json.body, json.body, json.failureCode);
  const message = typeof json.message === 'string' ? json.message : (typeof json.body === 'string' ? json.body : 'error');
  const m = /^([a-z_]+): ?(.*)$/s.exec(message);
  if (m) return new BusError(m[1], m[2] || m[1], json.failureCode);
  return new BusError(json.failureType ? String(json.failureType).toLowerCase() : 'error', message, json.failureCode);
}

export class OpsBus {
  /** @param nodes base URLs of web nodes to use, in order of preference (default: this page's origin). */
  constructor(nodes, options = {}) {
    this.opts = { ...DEFAULTS, ...options };
    if (!options.transports) this.opts.transports = transportsFromQuery() || DEFAULTS.transports;
    this.nodes = (nodes && nodes.length ? nodes : [location.origin]).map(n => n.replace(/\/+$/, ''));
    this.nodeIndex = 0;
    this.subs = new Map();      // address -> subscription state
    this.replies = new Map();   // replyAddress -> {resolve, reject, timer}
    this.listeners = new Map(); // event -> Set<fn>
    this.sock = null;
    this.attempt = 0;
    this.timers = [];
    this.reconnectTimer = null;
    this.closedByUser = false;
    this.state = { status: STATUS.CONNECTING, node: this.nodes[0], nextAttemptAt: null, attempt: 0, reason: null, transport: null };
    this.rtt = null;
    this.engine = null;         // the engine as the connected web node knows it (its ops.ping answer)
    this.connects = 0;
    this.statusLog = [];        // last status changes, for the page and for tests
    window.addEventListener('online', () => this.reconnectNow());
  }

  on(event, fn) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event).add(fn);
    return () => this.listeners.get(event).delete(fn);
  }

  emit(event, detail) {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const fn of set) {
      try { fn(detail); } catch (e) { console.warn('listener for', event, 'failed', e); }
    }
  }

  start() {
    this.closedByUser = false;
    this.connect();
    return this;
  }

  close() {
    this.closedByUser = true;
    clearTimeout(this.reconnectTimer);
    if (this.sock) this.sock.close();
  }

  /** Subscribes handler(body, headers, {snapshot, address}) to a stream address; returns an unsubscribe function. */
  subscribe(address, handler) {
    let sub = this.subs.get(address);
    if (!sub) {
      sub = {
        address, handlers: new Set(), epoch: null, offset: null, afterSnapshot: false, keys: new Map(), ids: new Set(),
        received: 0, duplicates: 0, gaps: 0, missing: 0, snapshots: 0, resumes: 0, epochChanges: 0, stale: 0,
      };
      this.subs.set(address, sub);
    }
    const first = sub.handlers.size === 0;
    sub.handlers.add(handler);
    if (first && this.isOpen()) this.register(sub, false);
    return () => {
      sub.handlers.delete(handler);
      if (sub.handlers.size === 0) {
        this.subs.delete(address);
        if (this.isOpen()) this.write({ type: 'unregister', address });
      }
    };
  }

  /** Request-reply: resolves with the reply body, rejects with a BusError. */
  request(address, body, headers = {}, timeoutMs = this.opts.replyTimeoutMs) {
    return new Promise((resolve, reject) => {
      if (!this.isOpen()) { reject(new BusError('not_connected', 'not connected to the hub')); return; }
      if (this.replies.size >= this.opts.maxPendingReplies) { reject(new BusError('too_many_requests', 'too many requests in flight')); return; }
      const replyAddress = uuid();
      const timer = setTimeout(() => {
        this.replies.delete(replyAddress);
        reject(new BusError('timeout', 'no reply within ' + timeoutMs + ' ms'));
      }, timeoutMs);
      this.replies.set(replyAddress, { resolve, reject, timer, address });
      this.write({ type: 'send', address, headers, body, replyAddress });
    });
  }

  publish(address, body, headers = {}) {
    if (this.isOpen()) this.write({ type: 'publish', address, headers, body });
  }

  isOpen() {
    return this.sock !== null && this.sock.readyState === 1;
  }

  /** Per address: last epoch/offset seen, messages received, duplicates dropped, gaps (missing offsets) counted. */
  streamStats() {
    const out = {};
    for (const [address, s] of this.subs) {
      out[address] = {
        epoch: s.epoch, offset: s.offset, received: s.received, duplicates: s.duplicates, gaps: s.gaps,
        missing: s.missing, snapshots: s.snapshots, resumes: s.resumes, epochChanges: s.epochChanges,
      };
    }
    return out;
  }

  // ---- connection ----

  currentNode() {
    return this.nodes[this.nodeIndex % this.nodes.length];
  }

  connect() {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const node = this.currentNode();
    if (this.connects === 0) this.setStatus(STATUS.CONNECTING, { node, nextAttemptAt: null });
    else this.setStatus(this.state.status, { node, nextAttemptAt: null });  // attempt under way: no countdown
    let sock;
    try {
      sock = new window.SockJS(node + this.opts.path, null, { transports: this.opts.transports });
    } catch (e) {
      this.scheduleReconnect(false, null);
      return;
    }
    this.sock = sock;
    let opened = false;
    sock.onopen = () => {
      opened = true;
      this.connects++;
      this.attempt = 0;
      // sockjs-client names the transport it settled on (for the page and for tests)
      this.setStatus(STATUS.CONNECTED, { node, nextAttemptAt: null, reason: null, transport: sock.transport || null });
      for (const sub of this.subs.values()) this.register(sub, true);
      this.startTimers();
    };
    sock.onmessage = e => this.onMessage(e.data);
    sock.onclose = e => {
      if (this.sock !== sock) return;
      this.sock = null;
      this.stopTimers();
      this.failPending('disconnected', 'the connection closed');
      if (this.closedByUser) { this.setStatus(STATUS.OFFLINE, { reason: 'closed' }); return; }
      this.scheduleReconnect(opened, e);
    };
  }

  scheduleReconnect(wasOpen, closeEvent) {
    const code = closeEvent ? closeEvent.code : 0;
    const reason = closeEvent && closeEvent.reason ? closeEvent.reason : (wasOpen ? 'connection lost' : 'cannot connect');
    // a node that shuts down (or refuses) asks us to go elsewhere; a node we could not reach is skipped
    const goElsewhere = !wasOpen || code >= 4000;
    if (goElsewhere && this.nodes.length > 1) this.nodeIndex = (this.nodeIndex + 1) % this.nodes.length;
    const attempt = this.attempt++;
    const ceiling = Math.min(this.opts.maxBackoffMs, this.opts.minBackoffMs * Math.pow(2, attempt));
    const delay = Math.round(ceiling / 2 + Math.random() * ceiling / 2);
    const offline = navigator.onLine === false || attempt >= this.opts.offlineAfterAttempts;
    this.setStatus(offline ? STATUS.OFFLINE : STATUS.RECONNECTING,
      { node: this.currentNode(), nextAttemptAt: Date.now() + delay, attempt: attempt + 1, reason, closeCode: code });
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  /** Tries again at once (e.g. the browser came back online). */
  reconnectNow() {
    if (this.closedByUser || this.isOpen() || this.reconnectTimer === null) return;
    this.connect();
  }

  setStatus(status, extra) {
    const changed = this.state.status !== status;
    this.state = { ...this.state, ...extra, status, attempt: extra.attempt ?? (status === STATUS.CONNECTED ? 0 : this.state.attempt) };
    if (changed || this.statusLog.length === 0) {
      this.statusLog.push({ status, at: Date.now(), node: this.state.node, reason: this.state.reason || null });
      if (this.statusLog.length > 50) this.statusLog.shift();
    }
    this.emit('status', this.state);
  }

  startTimers() {
    this.stopTimers();
    this.timers.push(setInterval(() => this.write({ type: 'ping' }), this.opts.pingIntervalMs));
    const probe = () => this.measureRtt();
    this.timers.push(setInterval(probe, this.opts.rttIntervalMs));
    probe();
  }

  stopTimers() {
    this.timers.forEach(clearInterval);
    this.timers = [];
  }

  async measureRtt() {
    const t0 = performance.now();
    try {
      const reply = await this.request('ops.ping', { ts: Date.now() }, {}, Math.max(1000, this.opts.rttIntervalMs));
      this.rtt = performance.now() - t0;
      this.engine = reply && reply.engine ? reply.engine : null;
      this.emit('rtt', { ms: this.rtt, nodeId: reply && reply.nodeId, serverTs: reply && reply.ts, engine: this.engine });
    } catch (e) {
      this.rtt = null;
      this.emit('rtt', { ms: null, error: e.code });
    }
  }

  failPending(code, message) {
    for (const [addr, p] of this.replies) {
      clearTimeout(p.timer);
      p.reject(new BusError(code, message));
      this.replies.delete(addr);
    }
  }

  write(json) {
    if (!this.isOpen()) return false;
    this.sock.send(JSON.stringify(json));
    return true;
  }

  register(sub, reconnecting) {
    const headers = {};
    if (sub.epoch !== null && sub.offset !== null) {
      headers.epoch = String(sub.epoch);
      headers.offset = String(sub.offset);
      if (reconnecting) sub.resumes++;
    } else {
      headers.snapshot = 'true';
    }
    this.write({ type: 'register', address: sub.address, headers });
  }

  // ---- inbound ----

  onMessage(data) {
    let json;
    try {
      json = typeof data === 'string' ? JSON.parse(data) : data;
    } catch (e) {
      console.warn('unreadable bridge message', e);
      return;
    }
    if (!json || json.type === 'pong') return;
    const pending = json.address ? this.replies.get(json.address) : undefined;
    if (pending) {
      this.replies.delete(json.address);
      clearTimeout(pending.timer);
      if (json.type === 'err') pending.reject(errorFrom(json));
      else pending.resolve(json.body);
      return;
    }
    if (json.type === 'err') {
      this.emit('error', { address: json.address, error: errorFrom(json) });
      return;
    }
    if (json.type !== 'rec') return;
    const sub = this.subs.get(json.address);
    if (sub) this.deliver(sub, json);
  }

  deliver(sub, json) {
    const headers = json.headers || {};
    const snapshot = headers.snapshot === 'true' || headers.snapshot === true;
    const epoch = headers.epoch !== undefined ? Number(headers.epoch) : null;
    const offset = headers.offset !== undefined ? Number(headers.offset) : null;
    const key = json.body && typeof json.body === 'object' && json.body.key !== undefined ? String(json.body.key) : null;
    if (epoch !== null && offset !== null && Number.isFinite(epoch) && Number.isFinite(offset)) {
      if (sub.epoch !== null && epoch < sub.epoch) { sub.stale++; return; }      // from an engine that is gone
      if (sub.epoch !== null && epoch > sub.epoch) {                            // a new engine took over
        sub.epochChanges++;
        sub.offset = null;
        sub.keys.clear();
      }
      if (snapshot) {
        const known = key !== null ? sub.keys.get(key) : undefined;
        if (sub.epoch === epoch && known !== undefined && offset <= known) { sub.duplicates++; return; }
        sub.snapshots++;
        sub.afterSnapshot = true;
        sub.epoch = epoch;
        sub.offset = sub.offset === null ? offset : Math.max(sub.offset, offset);
      } else {
        if (sub.epoch === epoch && sub.offset !== null && offset <= sub.offset) { sub.duplicates++; return; }
        if (sub.epoch === epoch && sub.offset !== null && offset > sub.offset + 1 && !sub.afterSnapshot) {
          sub.gaps++;
          sub.missing += offset - sub.offset - 1;
        }
        sub.afterSnapshot = false;
        sub.epoch = epoch;
        sub.offset = offset;
      }
      if (key !== null) {
        sub.keys.delete(key);
        sub.keys.set(key, offset);
        if (sub.keys.size > this.opts.maxKeysPerAddress) sub.keys.delete(sub.keys.keys().next().value);
      }
    }
    if (headers.id !== undefined) {
      const id = String(headers.id);
      if (sub.ids.has(id)) { sub.duplicates++; return; }                      // a copy, maybe from another engine
      sub.ids.add(id);
      if (sub.ids.size > this.opts.maxIdsPerAddress) sub.ids.delete(sub.ids.values().next().value);
    }
    sub.received++;
    for (const fn of sub.handlers) {
      try { fn(json.body, headers, { snapshot, address: sub.address }); } catch (e) { console.warn('handler for', sub.address, 'failed', e); }
    }
  }
}

/** Node URLs for failover: ?nodes=a,b in the page URL, else GET /api/config, else this page's origin. */
export async function resolveNodes() {
  const param = new URLSearchParams(location.search).get('nodes');
  if (param) {
    const list = param.split(',').map(s => s.trim()).filter(s => /^https?:\/\//.test(s));
    if (list.length) return list;
  }
  try {
    const res = await fetch('/api/config', { headers: { Accept: 'application/json' } });
    if (res.ok) {
      const cfg = await res.json();
      if (cfg && Array.isArray(cfg.nodes) && cfg.nodes.length) {
        // prefer the node that served this page, keep the others for failover
        const self = cfg.nodes.indexOf(location.origin);
        return self > 0 ? [location.origin, ...cfg.nodes.filter(n => n !== location.origin)] : cfg.nodes;
      }
    }
  } catch (e) {
    // fall through: this node only
  }
  return [location.origin];
}
