// Node `ws` client: connect, send one message, check the echo.
// usage: node node_client.js URL [--origin ORIGIN] [--expect-status N] [PROTOCOL...]
// With --expect-status N the handshake must be refused with status N (prints `refused N`).
const WebSocket = require('ws');
const [url, ...rest] = process.argv.slice(2);
const flags = {};
const protocols = [];
for (let i = 0; i < rest.length; i += 1) {
  if (rest[i] === '--origin' || rest[i] === '--expect-status') {
    flags[rest[i]] = rest[i + 1];
    i += 1;
  } else {
    protocols.push(rest[i]);
  }
}
const expectStatus = flags['--expect-status'];
const options = flags['--origin'] === undefined ? {} : { origin: flags['--origin'] };
const ws = new WebSocket(url, protocols, options);
const text = 'hello from node ws';
const timer = setTimeout(() => { console.log('timeout'); process.exit(1); }, 10000);
ws.on('unexpected-response', (request, response) => {
  clearTimeout(timer);
  console.log(`refused ${response.statusCode}`);
  request.destroy();
  process.exit(expectStatus !== undefined && response.statusCode === Number(expectStatus) ? 0 : 1);
});
ws.on('open', () => {
  if (expectStatus !== undefined) {
    console.log(`accepted, expected a refusal with ${expectStatus}`);
    process.exit(1);
  }
  ws.send(text);
});
ws.on('message', (data) => {
  clearTimeout(timer);
  console.log(`protocol=${ws.protocol || '-'} reply=${data}`);
  const ok = String(data) === text && (protocols.length === 0 || ws.protocol === protocols[0]);
  ws.close();
  process.exitCode = ok ? 0 : 1;
});
ws.on('error', (error) => { console.log(`error ${error.message}`); process.exit(1); });
