// Node's http2 client opening a WebSocket as an extended CONNECT (RFC 8441): waits for the
// server's SETTINGS, checks it enabled the protocol, sends CONNECT with :protocol
// websocket, expects 200, then echoes one masked text frame and closes.
// Usage: node node_h2_client.js https://localhost:PORT/path --ca CA.pem [--protocol chat]
"use strict";
const fs = require("fs");
const http2 = require("http2");
const { encode, decode } = require("./ws_frames.js");

const args = process.argv.slice(2);
const url = new URL(args[0]);
const option = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const protocol = option("--protocol");
const ca = option("--ca");
const fail = (message) => { console.error(message); process.exit(1); };
setTimeout(() => fail("no echo within 10 s"), 10000).unref();

const session = http2.connect(url.origin, ca ? { ca: fs.readFileSync(ca) } : {});
session.on("error", (error) => fail(`session: ${error.message}`));
session.once("remoteSettings", (settings) => {
  if (!settings.enableConnectProtocol) fail("the server's SETTINGS do not enable extended CONNECT");
  const headers = {
    ":method": "CONNECT",
    ":protocol": "websocket",
    ":path": url.pathname + url.search,
    "sec-websocket-version": "13",
  };
  if (protocol) headers["sec-websocket-protocol"] = protocol;
  const stream = session.request(headers, { endStream: false });
  stream.on("error", (error) => fail(`stream: ${error.message}`));
  stream.on("response", (response) => {
    const status = response[":status"];
    if (status !== 200) fail(`answered ${status}, not 200`);
    const chosen = response["sec-websocket-protocol"];
    if ((chosen || undefined) !== protocol) fail(`subprotocol ${chosen}, expected ${protocol}`);
    const text = "hello over node http2";
    stream.write(encode(0x1, Buffer.from(text), true));
    let buffered = Buffer.alloc(0);
    stream.on("data", (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      const frame = decode(buffered);
      if (!frame) return;
      if (frame.masked) fail("the server masked its frame");
      if (frame.opcode !== 0x1 || frame.payload.toString() !== text) fail("wrong echo");
      stream.end(encode(0x8, Buffer.from([0x03, 0xe8]), true));
      console.log(`echoed over HTTP/2${chosen ? ` (subprotocol ${chosen})` : ""}`);
      session.close();
      process.exit(0);
    });
  });
});
