//! The handshake as JSON, for the page `wshake serve` shows: the request the server
//! received and the answer it sent, sent to the page as the WebSocket's first message
//! when it asks (`?handshake=1` in the URL; other clients get a plain echo).

use serde_json::{Value, json};
use wshake_client::wshake_proto::server::{Answer, Incoming, Request, ServerConfig};

/// Whether a request with this query asked for its handshake as the first message.
pub(crate) fn wanted(query: Option<&str>) -> bool {
    query.is_some_and(|query| query.split('&').any(|pair| pair == "handshake=1"))
}

/// An HTTP/1.1 handshake: the request as received, and the 101 the policies answer it
/// with, composed again by the same code from the same request and config (deterministic:
/// the bytes that were sent).
pub(crate) fn http1(config: &ServerConfig, request: Request<'_>) -> Value {
    let mut answer = Vec::new();
    Incoming::validated(config, request).answer(&Answer::policy(), &mut answer);
    let answer = String::from_utf8_lossy(&answer);
    let mut lines = answer.split("\r\n").filter(|line| !line.is_empty());
    let status_line = lines.next().unwrap_or_default().to_string();
    let response: Vec<Value> = lines
        .filter_map(|line| line.split_once(": "))
        .map(|(name, value)| json!([name, value]))
        .collect();
    json!({
        "http": "HTTP/1.1",
        "request": {
            "line": format!("{} {} HTTP/1.1", request.method(), request.target()),
            "headers": headers(&request),
        },
        "response": { "line": status_line, "headers": response },
    })
}

/// An HTTP/2 extended CONNECT: the pseudo-headers and headers received, and the 200's
/// headers as returned to hyper.
pub(crate) fn http2(request: Request<'_>, response: &http::HeaderMap, status: u16) -> Value {
    let response: Vec<Value> = response
        .iter()
        .map(|(name, value)| json!([name.as_str(), String::from_utf8_lossy(value.as_bytes())]))
        .collect();
    json!({
        "http": "HTTP/2",
        "request": {
            "line": format!(
                ":method: {}\n:protocol: websocket\n:authority: {}\n:path: {}",
                request.method(),
                request.host(),
                request.target()
            ),
            "headers": headers(&request),
        },
        "response": { "line": format!(":status: {status}"), "headers": response },
    })
}

fn headers(request: &Request<'_>) -> Vec<Value> {
    request
        .headers()
        .iter()
        .map(|(name, value)| json!([name, String::from_utf8_lossy(value)]))
        .collect()
}
