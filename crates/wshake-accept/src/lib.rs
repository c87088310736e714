//! The two values at the heart of the WebSocket opening handshake (RFC 6455 §4):
//! a validated [`Key`] (`Sec-WebSocket-Key`) and its [`Accept`] (`Sec-WebSocket-Accept`).
//!
//! ```
//! use wshake_accept::{Accept, Key};
//!
//! // Server: validate the key the client sent and answer it.
//! let key = Key::parse(b"dGhlIHNhbXBsZSBub25jZQ==")?;
//! let accept = Accept::for_key(&key);
//! assert_eq!(accept.as_str(), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
//!
//! // Client: check the server's answer (surrounding whitespace ignored, constant time).
//! assert!(accept.matches(b" s3pPLMBiTxaQ9kYGzzhZRbK+xOo= "));
//!
//! // Bad keys say precisely what is wrong.
//! let err = Key::parse(b"dGhlIHNhbXBsZQ==").unwrap_err();
//! assert_eq!(err.to_string(), "Sec-WebSocket-Key decodes to 10 bytes, expected 16");
//! # Ok::<(), wshake_accept::KeyError>(())
//! ```
//!
//! The crate is `#![no_std]`, never allocates and contains no `unsafe`. Its only
//! dependency is `sha1`, with default features off (and `getrandom` with the feature of
//! that name); base64 of the sizes a handshake uses is its own, a few table lookups.
//!
//! # Features
//! - `getrandom` (off by default): [`Key::random`], drawing the nonce from the
//!   operating system through the `getrandom` crate.
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod accept;
mod base64_alphabet;
mod error;
mod key;

pub use accept::Accept;
pub use error::KeyError;
pub use key::Key;

/// The stored base64 characters as text.
fn ascii(bytes: &[u8]) -> &str {
    core::str::from_utf8(bytes).expect("base64 characters are ASCII")
}

/// The GUID that RFC 6455 §1.3 appends to the key before hashing.
pub const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// Length in bytes of a valid `Sec-WebSocket-Key` value (base64 of 16 bytes).
pub const KEY_LEN: usize = 24;

/// Length in bytes of a `Sec-WebSocket-Accept` value (base64 of a 20-byte SHA-1).
pub const ACCEPT_LEN: usize = 28;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
