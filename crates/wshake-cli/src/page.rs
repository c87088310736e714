//! The page `wshake serve` answers a plain `GET /` with: it opens a WebSocket back to the
//! same server, shows the handshake both ways, echoes messages with their latency, so a
//! browser is a test client.

/// The HTML page, self-contained (no external resource). It opens a WebSocket back to the
/// same server (`?handshake=1`: the server's first message is the handshake as JSON),
/// shows the request the server received and the answer it sent, echoes a first message
/// by itself, then whatever the user types, with each round trip's latency.
/// `?protocols=a,b` makes it offer subprotocols.
pub(crate) const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>wshake echo</title>
<style>
body { font: 15px/1.4 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }
h1 { font-size: 1.4rem; margin-bottom: .2rem; }
.summary span { font-weight: 600; }
section { margin-bottom: .5rem; }
h2 { font-size: 1rem; margin: 1rem 0 .3rem; }
pre { background: #f4f4f4; padding: .6rem; overflow-x: auto; font-size: 12.5px; margin: 0; min-height: 3rem; }
form { margin: 1rem 0 .5rem; }
input[type=text] { width: 24rem; font: inherit; padding: .2rem .4rem; }
#log { font-family: ui-monospace, monospace; font-size: 13px; }
</style>
</head>
<body>
<h1>wshake echo</h1>
<p class="summary">status: <span id="status">connecting</span> · protocol: <span id="protocol"></span> · HTTP: <span id="http">?</span> · latency: <span id="latency">–</span></p>
<section><h2>Request the server received</h2><pre id="handshake-request"></pre></section>
<section><h2>Answer it sent</h2><pre id="handshake-response"></pre></section>
<form id="send"><input id="text" type="text" placeholder="a message to echo" autocomplete="off"> <button>Send</button></form>
<div id="log"></div>
<script>
const params = new URLSearchParams(location.search);
const protocols = (params.get("protocols") || "").split(",").filter(p => p);
const scheme = location.protocol === "https:" ? "wss:" : "ws:";
const ws = new WebSocket(scheme + "//" + location.host + "/echo?handshake=1", protocols);
const first = "hello from the browser";
const $ = (id) => document.getElementById(id);
let handshakeShown = false;
let sentAt = [];
const head = (part) => [part.line, ...part.headers.map(([n, v]) => n + ": " + v)].join("\n");
function send(text) { sentAt.push(performance.now()); ws.send(text); }
ws.onopen = () => {
  $("status").textContent = "open";
  $("protocol").textContent = ws.protocol || "(none)";
};
ws.onmessage = (event) => {
  if (!handshakeShown) {
    handshakeShown = true;
    const handshake = JSON.parse(event.data);
    $("http").textContent = handshake.http;
    $("handshake-request").textContent = head(handshake.request);
    $("handshake-response").textContent = head(handshake.response);
    send(first);
    return;
  }
  const ms = (performance.now() - sentAt.shift()).toFixed(2);
  $("latency").textContent = ms + " ms";
  const line = document.createElement("div");
  line.textContent = "echo (" + ms + " ms): " + event.data;
  $("log").appendChild(line);
  if (event.data === first) $("status").textContent = "echoed";
};
ws.onerror = () => { $("status").textContent = "error"; };
ws.onclose = () => { if ($("status").textContent !== "echoed") $("status").textContent = "closed"; };
$("send").onsubmit = (event) => {
  event.preventDefault();
  if ($("text").value && ws.readyState === WebSocket.OPEN) { send($("text").value); $("text").value = ""; }
};
</script>
</body>
</html>
"#;

/// The complete HTTP response carrying [`PAGE`].
pub(crate) fn response() -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        PAGE.len()
    )
    .into_bytes();
    out.extend_from_slice(PAGE.as_bytes());
    out
}

/// [`PAGE`] as an `http::Response`, for HTTP/2.
pub(crate) fn http_response() -> wshake_hyper::Response {
    http::Response::builder()
        .header(http::header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(http::header::CACHE_CONTROL, "no-store")
        .body(http_body_util::Full::new(bytes::Bytes::from_static(
            PAGE.as_bytes(),
        )))
        .expect("constant, valid headers")
}
