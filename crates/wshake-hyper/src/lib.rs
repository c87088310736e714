//! The wshake WebSocket handshake for hyper 1.x: the same rules and answers as the
//! byte path (wshake-proto's, over `http` types), in a hyper service or over a hyper
//! client connection: HTTP/1.1 upgrades and HTTP/2 extended CONNECT.
//!
//! A server: validate the request in the service, return the 101 (or the refusal), and
//! take the connection once hyper has sent it:
//!
//! ```
//! use std::convert::Infallible;
//! use std::sync::Arc;
//!
//! use hyper::server::conn::http1;
//! use hyper::service::service_fn;
//! use hyper_util::rt::TokioIo;
//! use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
//! use wshake_hyper::wshake_proto::client::{ClientConfig, Target};
//! use wshake_hyper::wshake_proto::server::ServerConfig;
//! use wshake_hyper::wshake_proto::Key;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let address = listener.local_addr()?;
//! let config = Arc::new(ServerConfig::new().protocols(["chat"]));
//! tokio::spawn(async move {
//!     let (tcp, _) = listener.accept().await?;
//!     let service = service_fn(move |mut request| {
//!         let config = config.clone();
//!         async move {
//!             Ok::<_, Infallible>(match wshake_hyper::accept(&config, &mut request) {
//!                 Ok((response, upgrade)) => {
//!                     tokio::spawn(async move {
//!                         // A framing library takes over here; this one echoes bytes.
//!                         let mut upgraded = upgrade.await?;
//!                         let mut buf = [0; 5];
//!                         upgraded.read_exact(&mut buf).await?;
//!                         upgraded.write_all(&buf).await?;
//!                         Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
//!                     });
//!                     response
//!                 }
//!                 Err(refused) => refused.into_response(),
//!             })
//!         }
//!     });
//!     http1::Builder::new()
//!         .serve_connection(TokioIo::new(tcp), service)
//!         .with_upgrades()
//!         .await?;
//!     Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
//! });
//!
//! // A client through hyper's HTTP/1.1 connection.
//! let tcp = tokio::net::TcpStream::connect(address).await?;
//! let target = Target::new(&address.to_string(), "/chat")?;
//! let config = ClientConfig::new().protocol("chat")?;
//! let key = Key::random().map_err(|e| e.to_string())?; // a fresh key per connection (C7)
//! let (mut upgraded, outcome) = wshake_hyper::connect(tcp, config, target, key).await?;
//! assert_eq!(outcome.view().protocol(), Some("chat"));
//! upgraded.write_all(b"hello").await?;
//! let mut echoed = [0; 5];
//! upgraded.read_exact(&mut echoed).await?;
//! assert_eq!(&echoed, b"hello");
//! # Ok(())
//! # }
//! ```
//!
//! The request is validated with wshake-proto's `http` feature, so every rule, error and
//! status is the byte path's (`wshake serve`, wshake-tokio): see
//! [`Incoming::from_http`](wshake_proto::server::Incoming::from_http).
//!
//! WebSocket over HTTP/2 (RFC 8441): [`accept`] validates an extended CONNECT the same
//! way ([`Incoming::from_http2`](wshake_proto::server::Incoming::from_http2)) and answers
//! 200; [`Server`] serves HTTP/1.1 and HTTP/2 on one connection with extended CONNECT
//! enabled; [`Http2Connection`] opens several as streams of one HTTP/2 connection.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod h2_stream;
mod http2;
mod serve;
mod server;
mod upgraded;

pub use client::{Error, connect};
pub use h2_stream::Http2Stream;
pub use http2::Http2Connection;
pub use serve::{ServeError, Server};
pub use server::{
    PendingUpgrade, Refused, Response, Tls, accept, accept_with, respond, validate, validate_parts,
    validate_parts_for_answer,
};
pub use upgraded::Upgraded;
pub use wshake_proto;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
