// Runs the official @vertx/eventbus-bridge-client.js against a bridge and prints one JSON line per event.
// usage: node official-client.js <url> <address> [transport]   (transport: a sockjs-client name, e.g. xhr-polling)
const EventBus = require('@vertx/eventbus-bridge-client.js');
const [url, address, transport] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const eb = new EventBus(url, transport ? { transports: [transport] } : {});
eb.onunhandled = (json) => { if (json.type !== 'pong') out({ unhandled: json }); };
eb.onerror = (err) => out({ error: err });
eb.onclose = (e) => { out({ closed: e && e.reason }); process.exit(0); };
eb.onopen = () => {
  out({ transport: eb.sockJSConn.transport });
  eb.registerHandler(address, (err, msg) => {
    if (err) out({ err }); else out({ rec: msg.body, headers: msg.headers });
  });
  eb.registerHandler('internal.secrets', (err, msg) => out(err ? { denied: err } : { leaked: msg }));
  // the bridge handles frames in order: once the ping reply is here, both registrations are done
  eb.send('ops.ping', {}, (err, reply) => out(err ? { pingError: err } : { ready: reply.body }));
};
