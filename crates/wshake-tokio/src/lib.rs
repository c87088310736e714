//! Drive a [`wshake_proto`] handshake over any tokio `AsyncRead + AsyncWrite + Unpin`
//! (TCP, Unix sockets, TLS streams, `tokio::io::duplex`) and hand the upgraded stream to
//! a framing library.
//!
//! ```
//! use std::sync::Arc;
//! use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
//! use wshake_proto::{ClientConfig, Key, ServerConfig};
//! use wshake_tokio::{Options, accept, handshake};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), wshake_tokio::Error> {
//! let (client_io, server_io) = tokio::io::duplex(4096);
//! let server_config = Arc::new(ServerConfig::new().protocols(["chat"]));
//! let options = Options::default();
//! let server = tokio::spawn(async move {
//!     let (accepted, mut stream) = accept(server_io, server_config, &Options::default()).await?;
//!     assert_eq!(accepted.request.path, "/chat");
//!     stream.write_all(b"frames from here on").await?;
//!     Ok::<_, wshake_tokio::Error>(accepted.protocol)
//! });
//!
//! let config = ClientConfig::new("example.com", "/chat").unwrap().protocol("chat").unwrap();
//! let key = Key::from_nonce(*b"use Key::random!");
//! let (connected, mut stream) = handshake(client_io, config, key, &options).await?;
//! assert_eq!(connected.protocol.as_deref(), Some("chat"));
//! let mut text = vec![0; 19];
//! stream.read_exact(&mut text).await?;
//! assert_eq!(text, b"frames from here on");
//! assert_eq!(server.await.unwrap()?.as_deref(), Some("chat"));
//! # Ok(())
//! # }
//! ```
//!
//! A server's decision may await (a database, an auth service) with [`accept_with`]. A
//! whole handshake runs under [`Options::timeout`]: a peer that trickles its request is
//! answered 408 and dropped when it expires.

mod client;
mod error;
mod head;
mod read;
mod server;
mod upgraded;

use std::time::Duration;

pub use client::{Connected, handshake};
pub use error::Error;
pub use head::OwnedHead;
pub use server::{Accepted, Answer, PlainHttp, RequestInfo, accept, accept_or_plain, accept_with};
pub use upgraded::Upgraded;
/// The sans-IO layer this crate drives, re-exported so users need one dependency.
pub use wshake_proto;

/// How a handshake runs over a stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// The whole exchange must finish within this (default 10 s).
    pub timeout: Duration,
    /// How much the read buffer grows by when it is full (default 1 KiB): reads are in
    /// chunks, never per byte, and a pending handshake holds one chunk until its head
    /// outgrows it.
    pub read_chunk: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            read_chunk: 1024,
        }
    }
}

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
        let config = std::sync::Arc::new(wshake_proto::ServerConfig::new());
        let options = crate::Options::default();
        let future = crate::accept(io, config, &options);
        let size = std::mem::size_of_val(&future);
        assert!(size <= 1536, "accept future is {size} bytes");
        drop(future);
    }
}
