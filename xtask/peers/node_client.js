// Node `ws` client: connect, send one message, check the echo.
// usage: node node_client.js URL [PROTOCOL...]
const WebSocket = require('ws');
const [url, ...protocols] = process.argv.slice(2);
const ws = new WebSocket(url, protocols);
const text = 'hello from node ws';
const timer = setTimeout(() => { console.log('timeout'); process.exit(1); }, 10000);
ws.on('open', () => ws.send(text));
ws.on('message', (data) => {
  clearTimeout(timer);
  console.log(`protocol=${ws.protocol || '-'} reply=${data}`);
  const ok = String(data) === text && (protocols.length === 0 || ws.protocol === protocols[0]);
  ws.close();
  process.exitCode = ok ? 0 : 1;
});
ws.on('error', (error) => { console.log(`error ${error.message}`); process.exit(1); });
