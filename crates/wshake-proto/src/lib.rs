//! Sans-IO state machines for the WebSocket opening handshake (RFC 6455 §4), both roles.
//!
//! No socket, no clock, no async: feed the bytes you read, ask what happened, write the
//! bytes it gives you. Run both roles against each other in memory:
//!
//! ```
//! use wshake_proto::{ClientConfig, ClientHandshake, ServerConfig, ServerHandshake, Status};
//! use wshake_accept::Key;
//!
//! // Client: a request for ws://example.com/chat offering the "chat" subprotocol.
//! let config = ClientConfig::new("example.com", "/chat")?.protocol("chat")?;
//! let mut client = ClientHandshake::new(config, Key::from_nonce(*b"the sample nonce"));
//! let mut request = Vec::new();
//! client.write_request(&mut request);
//!
//! // Server: read it (in any number of pieces), decide with the built-in policies, answer.
//! let mut server = ServerHandshake::new(ServerConfig::new().protocols(["chat"]));
//! server.feed(&request);
//! assert_eq!(server.poll()?, Status::Ready);
//! let mut response = Vec::new();
//! server.accept(&server.decide()?, &mut response)?;
//!
//! // Client: check the 101 (accept value, subprotocol, extensions) and a first frame.
//! client.feed(&response);
//! client.feed(b"\x81\x02hi");
//! assert_eq!(client.poll()?, Status::Ready);
//! let outcome = client.outcome().expect("ready");
//! assert_eq!(outcome.protocol(), Some("chat"));
//! assert_eq!(client.leftover(), b"\x81\x02hi");
//! # Ok::<(), wshake_proto::Error>(())
//! ```
//!
//! Every error says what was wrong in the peer's terms and, for a server, which status to
//! answer with ([`Error::status`], [`Error::write_response`]). Requirements of RFC 6455 and
//! RFC 7692 are tested by ID from the project's handshake checklist.
//!
//! # Features
//! - `std` (default): `std` support in `bytes` and `httparse`.
//! - `url`: [`ClientConfig::from_url`], parsing `ws://` and `wss://` URLs with the `url`
//!   crate (pulls `url` and its IDNA tables).
//! - `getrandom`: [`Key::random`](wshake_accept::Key::random) for fresh client keys.
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod client;
mod deflate;
mod error;
mod extension;
mod head;
mod headers;
mod limits;
mod origin;
mod response;
mod server;
mod token;

pub use client::{ClientConfig, ClientHandshake, Outcome, Response};
pub use deflate::{DeflateConfig, DeflateOffer, DeflateParams, PERMESSAGE_DEFLATE};
pub use error::{DeflateError, Error, Excerpt};
pub use extension::{Extension, Extensions, Param, ParamValue, Params};
pub use headers::ExtraHeaders;
pub use limits::{Limits, MAX_HEADERS_CEILING};
pub use origin::OriginPolicy;
pub use response::RejectConnection;
pub use server::{
    AcceptConnection, Decision, ExtensionAnswer, ProtocolPreference, Request, ServerConfig,
    ServerHandshake,
};
pub use wshake_accept::{Accept, GUID, Key, KeyError};

/// What a machine needs next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// The head is not complete: feed more bytes.
    NeedMore,
    /// The head is complete and valid: the server has a request to decide on, the client
    /// a verified response.
    Ready,
}

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
