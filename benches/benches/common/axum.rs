//! The axum scenarios, shared by `benches/axum.rs` (criterion), `examples/instructions.rs`
//! (callgrind) and `examples/axum_allocations.rs` (allocation counts), so all three run
//! the very same functions. Included with `#[path]`: a module here, not a bench target.
//!
//! Three routers with one route, `GET /chat`, on axum's defaults: wshake-axum's `Handshake`
//! (default `HandshakeConfig`: same-origin, no subprotocols, no permessage-deflate), axum's
//! own `WebSocketUpgrade` (no subprotocols; axum has no origin check), and a floor whose
//! handler extracts nothing and returns a constant 101, for what routing, hyper and the
//! harness cost without any handshake library. The request is [`REQUEST`]; it has no
//! `Origin`, so both libraries accept it.

use std::future::poll_fn;

use axum::Router;
use axum::body::Body;
use axum::extract::ws::WebSocketUpgrade;
use axum::response::Response;
use axum::routing::get;
use http::header::{self, HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tower::Service;

/// The headers of [`REQUEST`], in order: the headless-Chromium capture of
/// `crates/wshake-proto/tests/fixtures/request-chromium.http` without `Origin` (both
/// sides then accept on their defaults), `Sec-WebSocket-Protocol` (no subprotocols here),
/// `Pragma` and `Cache-Control`: 9 headers.
pub(crate) const HEADERS: [(&str, &str); 9] = [
    ("host", "127.0.0.1:9001"),
    ("connection", "Upgrade"),
    (
        "user-agent",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36",
    ),
    ("upgrade", "websocket"),
    ("sec-websocket-version", "13"),
    ("accept-encoding", "gzip, deflate, br, zstd"),
    ("accept-language", "en-US,en;q=0.9"),
    ("sec-websocket-key", "IIEITT8hVP1Nasro5+QsDg=="),
    (
        "sec-websocket-extensions",
        "permessage-deflate; client_max_window_bits",
    ),
];

/// The request bytes the duplex rounds send: `GET /chat HTTP/1.1` and [`HEADERS`].
pub(crate) const REQUEST: &[u8] = b"GET /chat HTTP/1.1\r\n\
Host: 127.0.0.1:9001\r\n\
Connection: Upgrade\r\n\
User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36\r\n\
Upgrade: websocket\r\n\
Sec-WebSocket-Version: 13\r\n\
Accept-Encoding: gzip, deflate, br, zstd\r\n\
Accept-Language: en-US,en;q=0.9\r\n\
Sec-WebSocket-Key: IIEITT8hVP1Nasro5+QsDg==\r\n\
Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\
\r\n";

/// The accept value for [`HEADERS`]' key, for the floor's constant 101.
const ACCEPT: &str = "GQgQRCl11RP2VDN7RvZ+wVQE8C8=";

/// Which router a round runs.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Side {
    /// wshake-axum's `Handshake`, `handshake.on_upgrade(|_, _| async {})`.
    Wshake,
    /// wshake-axum's `Handshake` whose callback makes the stream a tokio-tungstenite
    /// `WebSocketStream` (default config), as axum's `WebSocketUpgrade` does before its
    /// callback: the same framing set-up on both sides.
    WshakeTungstenite,
    /// axum's `WebSocketUpgrade`, `ws.on_upgrade(|_| async {})`.
    Axum,
    /// No extractor: a constant 101 (the cost of everything but the handshake library).
    Floor,
}

impl Side {
    /// The scenario name's suffix, as `examples/instructions.rs` takes it.
    #[allow(
        dead_code,
        reason = "examples/instructions.rs uses it; the criterion bench does not"
    )]
    pub(crate) fn parse(name: &str) -> Option<Self> {
        match name {
            "wshake" => Some(Self::Wshake),
            "wshake-tungstenite" => Some(Self::WshakeTungstenite),
            "axum" => Some(Self::Axum),
            "floor" => Some(Self::Floor),
            _ => None,
        }
    }
}

async fn wshake_handler(handshake: wshake_axum::Handshake) -> Response {
    handshake.on_upgrade(|_, _| async {})
}

async fn wshake_tungstenite_handler(handshake: wshake_axum::Handshake) -> Response {
    handshake.on_upgrade(|stream, _| async move {
        let socket = tokio_tungstenite::WebSocketStream::from_raw_socket(
            stream,
            tokio_tungstenite::tungstenite::protocol::Role::Server,
            None,
        )
        .await;
        drop(socket);
    })
}

async fn axum_handler(ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(|_| async {})
}

async fn floor_handler() -> Response {
    Response::builder()
        .status(http::StatusCode::SWITCHING_PROTOCOLS)
        .header(header::CONNECTION, HeaderValue::from_static("upgrade"))
        .header(header::UPGRADE, HeaderValue::from_static("websocket"))
        .header(
            header::SEC_WEBSOCKET_ACCEPT,
            HeaderValue::from_static(ACCEPT),
        )
        .body(Body::empty())
        .expect("a valid response")
}

/// The router of `side`.
pub(crate) fn router(side: Side) -> Router {
    match side {
        Side::Wshake => Router::new().route("/chat", get(wshake_handler)),
        Side::WshakeTungstenite => Router::new().route("/chat", get(wshake_tungstenite_handler)),
        Side::Axum => Router::new().route("/chat", get(axum_handler)),
        Side::Floor => Router::new().route("/chat", get(floor_handler)),
    }
}

/// The runtime every round runs on: current-thread, so the tasks the handlers spawn run
/// on the measuring thread (allocation counts are per thread) and nothing runs in between.
pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
}

/// One handshake end to end in memory: [`REQUEST`] through hyper's HTTP/1.1 server
/// connection (with upgrades) over a `tokio::io::duplex`, `app` as the service, until
/// the client side has read the whole 101 head; then the connection is handed over, the
/// handler's upgrade task runs its (empty) callback and everything is dropped. Returns the
/// head's length.
///
/// # Panics
/// When the answer is not a 101: a bench setup error.
pub(crate) async fn duplex_round(app: &Router) -> usize {
    let (mut client, server) = tokio::io::duplex(4096);
    let connection = http1::Builder::new()
        .serve_connection(TokioIo::new(server), TowerToHyperService::new(app.clone()))
        .with_upgrades();
    let exchange = async move {
        client.write_all(REQUEST).await.expect("write");
        let mut head = [0u8; 512];
        let mut filled = 0;
        while !head[..filled].ends_with(b"\r\n\r\n") {
            let n = client.read(&mut head[filled..]).await.expect("read");
            assert!(n > 0, "the server closed before its head was complete");
            filled += n;
        }
        assert!(head.starts_with(b"HTTP/1.1 101 "), "not a 101");
        filled
    };
    let (outcome, filled) = tokio::join!(connection, exchange);
    outcome.expect("hyper served the connection");
    // The handler's upgrade task: let it take the connection and finish.
    tokio::task::yield_now().await;
    filled
}

/// The request of a service-call round, as hyper would hand it to the router: [`REQUEST`]
/// parsed (by httparse, as hyper parses), its target and header values slices of the one
/// shared buffer the head was read into and its names `http`'s standard ones, as
/// hyper's `Server::parse` makes them; with an `OnUpgrade` in its extensions. (Built from
/// `&'static str`s instead, the values would be static `Bytes` and the target a
/// promotable one, whose first clone allocates: cheaper or dearer than hyper's to copy.)
///
/// The `OnUpgrade` is a real `hyper::upgrade::OnUpgrade`, but the only one code outside
/// hyper can make: `hyper::upgrade::on` on a request hyper never served gives the "no
/// upgrade" one, which resolves at once to an error (hyper's pending, fulfillable
/// `OnUpgrade` is made by the crate-private `upgrade::pending`). Both extractors only
/// take it out of the extensions and hand it to the task they spawn, which awaits it,
/// gets the error and ends: the same work on both sides.
///
/// # Panics
/// When [`REQUEST`] does not parse: a bench setup error.
pub(crate) fn call_request() -> http::Request<Body> {
    // A buffer split as hyper splits its read buffer: the head frozen from it, shared.
    let mut read = bytes::BytesMut::from(REQUEST);
    let head = read.split_to(REQUEST.len()).freeze();
    let mut parsed_headers = [httparse::EMPTY_HEADER; HEADERS.len()];
    let mut parsed = httparse::Request::new(&mut parsed_headers);
    let status = parsed.parse(&head).expect("the bench request parses");
    assert!(status.is_complete(), "the bench request is complete");
    let target = head.slice_ref(parsed.path.expect("a target").as_bytes());
    let mut request = http::Request::builder()
        .method(http::Method::GET)
        .uri(http::Uri::from_maybe_shared(target).expect("a valid target"))
        .version(http::Version::HTTP_11)
        .body(Body::empty())
        .expect("a valid request");
    let headers = request.headers_mut();
    headers.reserve(HEADERS.len());
    for header in parsed.headers.iter() {
        headers.append(
            HeaderName::from_bytes(header.name.as_bytes()).expect("a valid name"),
            HeaderValue::from_maybe_shared(head.slice_ref(header.value)).expect("a valid value"),
        );
    }
    let on_upgrade = hyper::upgrade::on(http::Request::new(()));
    request.extensions_mut().insert(on_upgrade);
    request
}

/// One `tower::Service::call` on the router with [`call_request`]'s request, then the
/// handler's upgrade task run to its end. Returns the status.
///
/// # Panics
/// When the answer is not a 101: a bench setup error.
pub(crate) async fn call_round(app: &mut Router) -> u16 {
    let request = call_request();
    poll_fn(|cx| <Router as Service<http::Request<Body>>>::poll_ready(app, cx))
        .await
        .expect("the router is always ready");
    let response = Service::call(app, request).await.expect("infallible");
    let status = response.status().as_u16();
    assert_eq!(status, 101, "not a 101");
    drop(response);
    tokio::task::yield_now().await;
    status
}
