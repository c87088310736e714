//! Drive a [`wshake_proto`] handshake over any tokio `AsyncRead + AsyncWrite + Unpin`
//! (TCP, Unix sockets, TLS streams, `tokio::io::duplex`) and hand the upgraded stream to
//! a framing library. A thin loop: every rule, every response and every decision policy
//! is the proto machine's; this crate adds the socket, the timeout and the awaiting.
//!
//! ```
//! use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
//! use wshake_tokio::wshake_proto::client::{ClientConfig, Target};
//! use wshake_tokio::wshake_proto::server::ServerConfig;
//! use wshake_tokio::wshake_proto::Key;
//! use wshake_tokio::{Answer, Options, accept_with, handshake};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), wshake_tokio::Error> {
//! let (client_io, server_io) = tokio::io::duplex(4096);
//! let server = tokio::spawn(async move {
//!     let config = ServerConfig::new().protocols(["chat"]);
//!     // The decision sees the request borrowed, and may await (a database, an auth
//!     // service) before answering.
//!     let (accepted, mut stream) =
//!         accept_with(server_io, config, &Options::new(), async |request| {
//!             match request.headers().get("authorization") {
//!                 Some(b"Bearer let-me-in") => Answer::policy(),
//!                 _ => Answer::reject(401).header("WWW-Authenticate", "Bearer"),
//!             }
//!         })
//!         .await?;
//!     assert_eq!(accepted.request.view().path(), "/chat");
//!     stream.write_all(b"frames from here on").await?;
//!     Ok::<_, wshake_tokio::Error>(accepted.protocol)
//! });
//!
//! let config = ClientConfig::new()
//!     .protocol("chat")
//!     .and_then(|config| config.header("Authorization", "Bearer let-me-in"))
//!     .expect("valid options");
//! let target = Target::new("example.com", "/chat").expect("valid target");
//! let key = Key::from_nonce(*b"use Key::random!");
//! let (connected, mut stream) = handshake(client_io, config, target, key, &Options::new()).await?;
//! assert_eq!(connected.protocol.as_deref(), Some("chat"));
//! let mut text = vec![0; 19];
//! stream.read_exact(&mut text).await?;
//! assert_eq!(text, b"frames from here on");
//! assert_eq!(server.await.unwrap()?.as_deref(), Some("chat"));
//! # Ok(())
//! # }
//! ```
//!
//! A whole handshake runs under [`Options::timeout`]: a peer that trickles its request is
//! answered 408 and dropped when it expires. An answer the handshake cannot send (a
//! subprotocol nobody offered, say) is answered 500 and returned as [`Error::Local`].
//! How to hand the stream to tokio-tungstenite, fastwebsockets or tokio-websockets, in
//! both roles: [`handoff`].

mod client;
mod error;
pub mod handoff;
mod limit;
mod linger;
mod options;
mod read;
mod server;
mod upgraded;

pub use client::{Connected, handshake};
pub use error::Error;
pub use limit::{Admitted, PendingLimit, refuse_busy};
pub use options::Options;
pub use server::{Accepted, PlainHttp, Served, accept, accept_or_plain, accept_with};
pub use upgraded::Upgraded;
/// The sans-IO layer this crate drives, re-exported so users need one dependency.
pub use wshake_proto;
pub use wshake_proto::server::Answer;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

#[cfg(test)]
mod size {
    /// The accept future is spawned once per connection and is what a pending handshake
    /// holds (about 1 KiB; the answering steps are boxed only once the head is in).
    #[test]
    fn accept_future_stays_small() {
        let (io, _peer) = tokio::io::duplex(64);
        let config = std::sync::Arc::new(wshake_proto::server::ServerConfig::new());
        let options = crate::Options::default();
        let future = crate::accept(io, config, &options);
        let size = std::mem::size_of_val(&future);
        assert!(size <= 1536, "accept future is {size} bytes");
        drop(future);
    }
}
