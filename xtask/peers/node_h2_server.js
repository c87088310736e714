// Node's http2 server accepting WebSockets as extended CONNECT (RFC 8441,
// `settings.enableConnectProtocol`): 200 for `:protocol websocket` with version 13
// (subprotocol `chat` when offered), then text and binary frames echoed, close answered.
// Usage: node node_h2_server.js --cert CERT.pem --key KEY.pem   (prints the URL first)
"use strict";
const fs = require("fs");
const http2 = require("http2");
const { encode, decode } = require("./ws_frames.js");

const args = process.argv.slice(2);
const option = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const server = http2.createSecureServer({
  cert: fs.readFileSync(option("--cert")),
  key: fs.readFileSync(option("--key")),
  settings: { enableConnectProtocol: true },
});
server.on("stream", (stream, headers) => {
  if (headers[":method"] !== "CONNECT" || headers[":protocol"] !== "websocket") {
    stream.respond({ ":status": 400 });
    return stream.end();
  }
  if (headers["sec-websocket-version"] !== "13") {
    stream.respond({ ":status": 400, "sec-websocket-version": "13" });
    return stream.end();
  }
  const offered = (headers["sec-websocket-protocol"] || "").split(",").map((p) => p.trim());
  const response = { ":status": 200 };
  if (offered.includes("chat")) response["sec-websocket-protocol"] = "chat";
  stream.respond(response);
  let buffered = Buffer.alloc(0);
  stream.on("data", (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (let frame = decode(buffered); frame; frame = decode(buffered)) {
      buffered = frame.rest;
      if (frame.opcode === 0x1 || frame.opcode === 0x2) stream.write(encode(frame.opcode, frame.payload, false));
      if (frame.opcode === 0x8) return stream.end(encode(0x8, frame.payload.subarray(0, 2), false));
    }
  });
  stream.on("error", () => {});
});
server.listen(0, "127.0.0.1", () => {
  console.log(`listening on wss://127.0.0.1:${server.address().port}/`);
});
