// Runs N connections of the official @vertx/eventbus-bridge-client.js that reconnect and resume: on every open each
// registers its addresses with the epoch/offset of the last message it saw, then asks ops.ping which node it is on.
// Prints one JSON line per event: {"c":i,"open":nodeId,"at":ms}, {"c":i,"closed":reason,"code":n,"at":ms},
// {"c":i,"a":address,"e":epoch,"o":offset,"s":1 for a snapshot}, {"c":i,"error"|"err"|"pingError":...}.
// usage: node resuming-clients.js <url> <connections> <address>...
const EventBus = require('@vertx/eventbus-bridge-client.js');
const [url, connections, ...addresses] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

function connect(c) {
  const last = {};
  const eb = new EventBus(url, { vertxbus_reconnect_delay_min: 100, vertxbus_reconnect_delay_max: 1000 });
  eb.enableReconnect(true);
  eb.onerror = (err) => out({ c, error: String((err && (err.message || err.type)) || err) });
  eb.onclose = (e) => out({ c, closed: e && e.reason, code: e && e.code, at: Date.now() });
  eb.onopen = () => {
    for (const address of addresses) {
      const seen = last[address];
      eb.registerHandler(address, seen ? { epoch: seen.epoch, offset: seen.offset } : {}, (err, msg) => {
        if (err) {
          out({ c, err });
          return;
        }
        const h = msg.headers || {};
        last[address] = { epoch: h.epoch, offset: h.offset };
        out({ c, a: address, e: h.epoch, o: h.offset, s: h.snapshot === 'true' ? 1 : 0 });
      });
    }
    eb.send('ops.ping', {}, (err, reply) => out(err ? { c, pingError: err } : { c, open: reply.body.nodeId, at: Date.now() }));
  };
}

for (let c = 0; c < Number(connections); c++) connect(c);
