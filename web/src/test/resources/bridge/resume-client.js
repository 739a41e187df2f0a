// The official client resuming a stream after a reconnect, as a dashboard does: it registers again with the
// epoch and offset it last saw. Prints one JSON line per event; stdin lines drive it.
// usage: node resume-client.js <url> <address> <transport>
//   stdin "close": closes the connection (prints {"closed":..});  "open": opens a new one and resumes
const EventBus = require('@vertx/eventbus-bridge-client.js');
const readline = require('readline');
const [url, address, transport] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
let last = null;
let eb = null;

function open(round) {
  eb = new EventBus(url, { transports: [transport] });
  eb.onerror = (err) => out({ error: err });
  eb.onunhandled = (json) => { if (json.type !== 'pong') out({ unhandled: json }); };
  eb.onclose = (e) => out({ closed: round, reason: e && e.reason });
  eb.onopen = () => {
    out({ transport: eb.sockJSConn.transport, round });
    const headers = last ? { epoch: last.epoch, offset: last.offset } : {};
    eb.registerHandler(address, headers, (err, msg) => {
      if (err) { out({ err }); return; }
      if (msg.headers && msg.headers.epoch !== undefined) last = { epoch: msg.headers.epoch, offset: msg.headers.offset };
      out({ rec: msg.body, headers: msg.headers, round });
    });
    eb.send('ops.ping', {}, (err, reply) => out(err ? { pingError: err } : { ready: round }));
  };
}

let rounds = 0;
open(rounds);
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'close') eb.close();
  if (line === 'open') open(++rounds);
  if (line === 'exit') process.exit(0);
});
