//! Sans-IO state machines for the WebSocket opening handshake (RFC 6455 §4), both roles.
//!
//! No socket, no clock, no async: feed the bytes you read, ask what happened, write the
//! bytes it gives you. Run both roles against each other in memory:
//!
//! ```
//! use wshake_proto::client::{ClientConfig, ClientHandshake, Target};
//! use wshake_proto::server::{ServerConfig, ServerHandshake};
//! use wshake_proto::{Key, Status};
//!
//! // Client: a request for ws://example.com/chat offering the "chat" subprotocol.
//! let config = ClientConfig::new().protocol("chat")?;
//! let target = Target::new("example.com", "/chat")?;
//! let mut client = ClientHandshake::new(config, target, Key::from_nonce(*b"the sample nonce"));
//! let mut request = Vec::new();
//! client.write_request(&mut request);
//!
//! // Server: read it (in any number of pieces), decide with the built-in policies, answer.
//! let mut server = ServerHandshake::new(ServerConfig::new().protocols(["chat"]));
//! server.feed(&request);
//! let Status::Ready(incoming) = server.poll()? else { panic!("the request is complete") };
//! let mut response = Vec::new();
//! let answer = incoming.decide()?;
//! incoming.accept(&answer, &mut response)?;
//!
//! // Client: check the 101 (accept value, subprotocol, extensions) and a first frame.
//! client.feed(&response);
//! client.feed(b"\x81\x02hi");
//! let Status::Ready(outcome) = client.poll()? else { panic!("the response is complete") };
//! assert_eq!(outcome.protocol(), Some("chat"));
//! assert_eq!(client.leftover(), b"\x81\x02hi");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Two error types say whose fault a failure is. [`Error`] is what the peer got wrong,
//! returned only by `poll` and the policies; a server answers it with
//! [`Error::write_response`] ([`Error::status`]: 400, 403, 405, 426, 431…). [`LocalError`]
//! is what the application got wrong (an invalid option, an answer the handshake cannot
//! send); a server answers it with a 500. Requirements of RFC 6455 and RFC 7692 are
//! tested by ID from the project's handshake checklist.
//!
//! After a successful handshake the bytes belong to a framing library: hand it the socket
//! and the bytes read past the head (`take_leftover`), which it must read first. With
//! tungstenite, `WebSocket::from_partially_read(socket, leftover.to_vec(), role, None)`;
//! with fastwebsockets, read them before the socket (or wrap both in one reader).
//!
//! # Features
//! - `std` (default): `std` support in `bytes` and `httparse`.
//! - `url`: [`client::Target::from_url`], parsing `ws://` and `wss://` URLs with the
//!   `url` crate (pulls `url` and its IDNA tables).
//! - `getrandom`: [`Key::random`](wshake_accept::Key::random) for fresh client keys.
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod client;
pub mod extensions;
pub mod server;

mod classify;
mod either;
mod error;
mod grammar;
mod head;
mod headers;
#[cfg(feature = "http")]
mod http_sink;
mod limits;
mod local_error;
mod rules;
mod write;

pub use error::{Error, Excerpt};
pub use headers::Headers;
pub use limits::Limits;
pub use local_error::LocalError;
pub use wshake_accept::{Accept, GUID, Key, KeyError};

/// What a machine's `poll` found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status<T> {
    /// The head is not complete: feed more bytes.
    NeedMore,
    /// The head is complete and valid: for a server, the request to answer; for a
    /// client, the verified response.
    Ready(T),
}

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
