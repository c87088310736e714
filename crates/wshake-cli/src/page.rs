//! The page `wshake serve` answers a plain `GET /` with: it opens a WebSocket back to the
//! same server, sends a message and shows the echo, so a browser is a test client.

/// The HTML page. `?protocols=a,b` makes it offer subprotocols.
pub(crate) const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>wshake echo</title></head>
<body>
<h1>wshake echo</h1>
<p>status: <span id="status">connecting</span></p>
<p>protocol: <span id="protocol"></span></p>
<pre id="result"></pre>
<script>
const params = new URLSearchParams(location.search);
const protocols = (params.get("protocols") || "").split(",").filter(p => p);
const scheme = location.protocol === "https:" ? "wss:" : "ws:";
const ws = new WebSocket(scheme + "//" + location.host + "/echo", protocols);
const message = "hello from the browser";
ws.onopen = () => {
  document.getElementById("status").textContent = "open";
  document.getElementById("protocol").textContent = ws.protocol || "(none)";
  ws.send(message);
};
ws.onmessage = (event) => {
  document.getElementById("result").textContent = "echo: " + event.data;
  document.getElementById("status").textContent = event.data === message ? "echoed" : "wrong echo";
  ws.close(1000, "done");
};
ws.onerror = () => { document.getElementById("status").textContent = "error"; };
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
