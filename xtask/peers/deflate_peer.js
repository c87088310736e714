// Node `ws` with perMessageDeflate on, for the deflate rows of `cargo xtask interop`.
// usage: node deflate_peer.js client URL   (send a long text, check the echo, print the answer)
//        node deflate_peer.js server       (echo server on 127.0.0.1:0; prints its port)
// Messages are longer than ws's 1 KiB compression threshold, so they are compressed.
const WebSocket = require('ws');
const [role, url] = process.argv.slice(2);
const text = 'permessage-deflate from node ws; '.repeat(64);
if (role === 'server') {
  const wss = new WebSocket.WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: true });
  wss.on('listening', () => console.log(wss.address().port));
  wss.on('connection', (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })));
  setTimeout(() => process.exit(0), 600000);
} else {
  const ws = new WebSocket(url, { perMessageDeflate: true });
  const timer = setTimeout(() => { console.log('timeout'); process.exit(1); }, 10000);
  ws.on('open', () => ws.send(text));
  ws.on('message', (data) => {
    clearTimeout(timer);
    const answer = ws.extensions || '(none)';
    const ok = String(data) === text && answer.startsWith('permessage-deflate');
    console.log(`answer: ${answer}; echo ${String(data) === text ? 'ok' : 'WRONG'}`);
    ws.close();
    process.exitCode = ok ? 0 : 1;
  });
  ws.on('error', (e) => { console.log(`error ${e.message}`); process.exit(1); });
}
