//! Helpers shared by the wshake-axum tests: a real axum server on 127.0.0.1:0, hyper's
//! HTTP/1.1 client and raw TCP clients, every read bounded.

#![allow(dead_code, reason = "each test file uses its own share of the helpers")]

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use http_body_util::{BodyExt as _, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use wshake_axum::wshake_proto;
use wshake_axum::wshake_proto::server::{Incoming, ServerConfig};

/// Every test's whole run, server and clients.
pub(crate) const LIMIT: Duration = Duration::from_secs(10);

/// The RFC 6455 §1.3 key and its accept value.
pub(crate) const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
pub(crate) const ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

/// Serves `app` with `axum::serve` on 127.0.0.1:0; returns `IP:PORT`.
pub(crate) async fn serve(app: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    address
}

/// Serves `app` with `axum::serve` and `ConnectInfo<SocketAddr>` on 127.0.0.1:0.
pub(crate) async fn serve_with_connect_info(app: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    address
}

/// A tokio-tungstenite client (`client_async`) to `ws://address{path}` offering
/// `protocols` (none when empty), over a TCP stream of its own.
pub(crate) async fn tungstenite_client(
    address: &str,
    path: &str,
    protocols: &str,
) -> (
    WebSocketStream<TcpStream>,
    tungstenite::handshake::client::Response,
) {
    let mut request = format!("ws://{address}{path}")
        .into_client_request()
        .unwrap();
    if !protocols.is_empty() {
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", protocols.parse().unwrap());
    }
    let tcp = TcpStream::connect(address).await.unwrap();
    tokio_tungstenite::client_async(request, tcp).await.unwrap()
}

/// A valid handshake request for `path` on `address` (the §1.3 key), for hyper's client;
/// `edit` changes it.
pub(crate) fn handshake_request(
    address: &str,
    path: &str,
    edit: impl FnOnce(http::request::Builder) -> http::request::Builder,
) -> http::Request<Empty<Bytes>> {
    let builder = http::Request::get(path)
        .header("Host", address)
        .header("Upgrade", "websocket")
        .header("Connection", "Upgrade")
        .header("Sec-WebSocket-Key", KEY)
        .header("Sec-WebSocket-Version", "13");
    edit(builder).body(Empty::new()).unwrap()
}

/// Sends `request` with hyper's HTTP/1.1 client on a connection of its own; the
/// response with its whole body (empty for a 101).
pub(crate) async fn send(
    address: &str,
    request: http::Request<Empty<Bytes>>,
) -> http::Response<Bytes> {
    let tcp = TcpStream::connect(address).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
        .await
        .unwrap();
    let connection = tokio::spawn(connection.with_upgrades());
    let response = sender.send_request(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let body = if parts.status == http::StatusCode::SWITCHING_PROTOCOLS {
        Bytes::new()
    } else {
        body.collect().await.unwrap().to_bytes()
    };
    drop(sender);
    connection.abort();
    http::Response::from_parts(parts, body)
}

/// What wshake-proto itself makes of `request` under `config`: the error its validation
/// or its origin policy finds (the test expects one).
pub(crate) fn wshake_error<B>(
    config: &ServerConfig,
    request: &http::Request<B>,
) -> wshake_proto::Error {
    match Incoming::from_http(config, request) {
        Err(error) => error,
        Ok(incoming) => incoming
            .check_origin()
            .expect_err("wshake-proto finds the request valid"),
    }
}

/// `actual` (from the wire) is `expected` (wshake's own `http::Response`): status, every
/// header with its values in order, body; the only header hyper may add is `date`.
pub(crate) fn assert_same_response(
    actual: &http::Response<Bytes>,
    expected: &http::Response<Bytes>,
) {
    assert_eq!(actual.status(), expected.status(), "{actual:?}");
    for name in expected.headers().keys() {
        let want: Vec<_> = expected.headers().get_all(name).iter().collect();
        let got: Vec<_> = actual.headers().get_all(name).iter().collect();
        assert_eq!(got, want, "{name} in {actual:?}");
    }
    for name in actual.headers().keys() {
        assert!(
            name == http::header::DATE || expected.headers().contains_key(name),
            "{name} added in {actual:?}"
        );
    }
    assert_eq!(actual.body(), expected.body(), "{actual:?}");
}

/// [`assert_same_response`] for a refusal of wshake's own: its body is one line.
pub(crate) fn assert_same_refusal(
    actual: &http::Response<Bytes>,
    expected: &http::Response<Bytes>,
) {
    assert_same_response(actual, expected);
    let body = std::str::from_utf8(actual.body()).unwrap();
    assert!(
        body.ends_with('\n') && body.lines().count() == 1,
        "{body:?}"
    );
}

/// Writes `bytes` in one write on a new connection and reads up to the end of the
/// response head; returns the head (as text) and whatever came after it, with the
/// socket.
pub(crate) async fn raw_exchange(address: &str, bytes: &[u8]) -> (String, Vec<u8>, TcpStream) {
    let mut socket = TcpStream::connect(address).await.unwrap();
    socket.write_all(bytes).await.unwrap();
    let mut received = Vec::new();
    let mut chunk = [0u8; 1024];
    let end = loop {
        if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        assert!(received.len() < 64 * 1024, "no end of head");
        let n = socket.read(&mut chunk).await.unwrap();
        assert!(
            n > 0,
            "closed early: {}",
            String::from_utf8_lossy(&received)
        );
        received.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(received[..end].to_vec()).unwrap();
    (head, received[end..].to_vec(), socket)
}

/// The value of header `name` (case-insensitive) in a raw response head.
pub(crate) fn head_value<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

/// A masked client text frame (payload under 126 bytes).
pub(crate) fn masked_text_frame(text: &str) -> Vec<u8> {
    assert!(text.len() < 126, "a one-byte length");
    let mask = [0x37, 0xfa, 0x21, 0x3d];
    let mut frame = vec![0x81, 0x80 | u8::try_from(text.len()).unwrap()];
    frame.extend_from_slice(&mask);
    frame.extend(text.bytes().zip(mask.iter().cycle()).map(|(b, m)| b ^ m));
    frame
}
