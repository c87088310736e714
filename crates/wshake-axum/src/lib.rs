//! An axum extractor for the wshake WebSocket handshake: the request validated by
//! wshake-proto's rules (the same as `wshake serve`), the configured policies (same-origin
//! by default, subprotocol preference, permessage-deflate), an async decision in the
//! handler, and the upgraded stream handed to any framing library.
//!
//! ```
//! use axum::Router;
//! use axum::response::Response;
//! use axum::routing::any;
//! use wshake_axum::{Accepted, Handshake, HandshakeConfig};
//! use wshake_axum::wshake_proto::server::{Answer, ServerConfig};
//!
//! async fn chat(handshake: Handshake) -> Response {
//!     // The handler may await before it answers: a session store, a token check…
//!     let answer = match handshake.query_param("token").as_deref() {
//!         Some("let-me-in") => Answer::policy(),
//!         _ => Answer::reject(401).header("WWW-Authenticate", "Bearer"),
//!     };
//!     handshake.answer(answer).on_upgrade(|stream, accepted: Accepted| async move {
//!         // Hand `stream` (AsyncRead + AsyncWrite) to tokio-tungstenite, fastwebsockets
//!         // or tokio-websockets; `accepted` says what was agreed.
//!         let _ = (stream, accepted.protocol());
//!     })
//! }
//!
//! let config = HandshakeConfig::from(ServerConfig::new().protocols(["chat"]));
//! // `any`: a GET over HTTP/1.1, a CONNECT over HTTP/2 (`get(chat).connect(chat)` also
//! // does); the extractor refuses every other method with 405.
//! let app: Router = Router::new().route("/chat", any(chat)).with_state(config);
//! # let _ = app;
//! ```
//!
//! The config comes from the router's state (`HandshakeConfig: FromRef<S>`; with no
//! state, the default config) unless an `Extension(HandshakeConfig)` layer overrides it.
//! A request that breaks the handshake is refused by the extractor with wshake's answer
//! ([`Rejection`]): 400, 403, 405 with `Allow: GET`, 426 with `Sec-WebSocket-Version: 13`…
//! With `ConnectInfo<SocketAddr>` (`into_make_service_with_connect_info`), the origin
//! policy can trust reverse proxies
//! ([`ServerConfig::trust_proxies`](wshake_proto::server::ServerConfig::trust_proxies)).
//!
//! The same route takes WebSockets over HTTP/2 (RFC 8441 extended CONNECT) from a server
//! that enables them: `axum::serve` with axum's `http2` feature, or
//! [`wshake_hyper::Server`]. The rules are the same, the answer a 200, and `on_upgrade`
//! hands over the HTTP/2 stream.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod extractor;
mod handover;
mod rejection;

pub use extractor::{Accepted, Handshake, HandshakeConfig};
pub use rejection::Rejection;
pub use wshake_hyper::Upgraded;
pub use wshake_hyper::wshake_proto;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
