// Node `ws` echo server on 127.0.0.1:0; prints its port first.
// usage: node node_server.js [PROTOCOL...]
const { WebSocketServer } = require('ws');
const protocols = process.argv.slice(2);
const options = { host: '127.0.0.1', port: 0 };
if (protocols.length > 0) {
  options.handleProtocols = (offered) => protocols.find((p) => offered.has(p)) || false;
}
const wss = new WebSocketServer(options);
wss.on('listening', () => console.log(wss.address().port));
wss.on('connection', (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })));
setTimeout(() => process.exit(0), 600000);
