//! The server role: bytes in, a validated [`Request`] out, the application decides, the
//! response bytes out, and whatever followed the request handed on untouched.
//!
//! ```text
//!  feed()/buffer_mut()        poll()                  accept() / reject()
//! ─────────────────────▶ Reading ──▶ RequestReady ──────────────────────▶ Done
//!                           │  NeedMore ◀┘   │ decide(): the built-in policies
//!                           ▼                ▼
//!                        Err(Error): write error.write_response(), close
//! ```

mod config;
mod request;

use alloc::sync::Arc;
use core::cell::Cell;

use bytes::{BufMut, Bytes, BytesMut};
use wshake_accept::Accept;

pub use config::{ProtocolPreference, ServerConfig};
pub use request::Request;
pub(crate) use request::is_valid_host;

use crate::deflate::{DeflateOffer, DeflateParams, PERMESSAGE_DEFLATE, put_display};
use crate::error::Excerpt;
use crate::extension::Extensions;
use crate::head::{Head, Kind};
use crate::response::{RejectConnection, put_header};
use crate::{Error, ExtraHeaders, Status};
use request::Parsed;

/// Headers an application may not add to a 101: the handshake writes them itself.
const RESERVED_IN_ACCEPT: &[&str] = &[
    "upgrade",
    "connection",
    "sec-websocket-accept",
    "sec-websocket-protocol",
    "sec-websocket-extensions",
    "sec-websocket-version",
    "content-length",
    "transfer-encoding",
];

/// The extensions a server answers with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ExtensionAnswer<'a> {
    /// No `Sec-WebSocket-Extensions` header.
    #[default]
    None,
    /// permessage-deflate with these parameters.
    Deflate(DeflateParams),
    /// A `Sec-WebSocket-Extensions` value written as given; every name in it must have
    /// been offered, in the client's order (S15).
    Raw(&'a str),
}

/// The application's acceptance: subprotocol, extensions and extra headers for the 101.
///
/// ```
/// use wshake_proto::AcceptConnection;
///
/// let answer = AcceptConnection::new().protocol("chat").header("X-Served-By", "wshake")?;
/// assert_eq!(answer.protocol_name(), Some("chat"));
/// # Ok::<(), wshake_proto::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AcceptConnection<'a> {
    protocol: Option<&'a str>,
    extensions: ExtensionAnswer<'a>,
    headers: ExtraHeaders<'a>,
    /// The key of the request [`ServerHandshake::decide`] made this answer for, while it is
    /// unchanged: checking it again against that request's offers would be wasted work.
    from_policy: Option<wshake_accept::Key>,
}

impl<'a> AcceptConnection<'a> {
    /// No subprotocol, no extensions, no extra headers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Chooses a subprotocol: it must be one the client offered (S14).
    #[must_use]
    pub fn protocol(mut self, protocol: &'a str) -> Self {
        self.protocol = Some(protocol);
        self.from_policy = None;
        self
    }

    /// Answers extensions.
    #[must_use]
    pub fn extensions(mut self, extensions: ExtensionAnswer<'a>) -> Self {
        self.extensions = extensions;
        self.from_policy = None;
        self
    }

    /// Adds a header to the 101. The handshake's own headers cannot be overridden, and
    /// CR, LF and NUL are refused.
    pub fn header(mut self, name: &'a str, value: &'a str) -> Result<Self, Error> {
        self.headers.push(name, value, RESERVED_IN_ACCEPT)?;
        Ok(self)
    }

    /// The chosen subprotocol.
    pub fn protocol_name(&self) -> Option<&'a str> {
        self.protocol
    }

    /// The extension answer.
    pub fn extension_answer(&self) -> ExtensionAnswer<'a> {
        self.extensions
    }
}

/// The application's answer: accept, or reject with a complete response.
#[allow(
    clippy::large_enum_variant,
    reason = "short-lived, on the stack, no allocation wanted"
)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision<'a> {
    /// Switch protocols.
    Accept(AcceptConnection<'a>),
    /// Refuse with this response.
    Reject(&'a RejectConnection<'a>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Reading,
    RequestReady,
    Accepted,
    Rejected,
    Failed,
}

/// The server side of one handshake, reusable for the next connection after [`reset`].
///
/// ```
/// use wshake_proto::{ServerConfig, ServerHandshake, Status};
///
/// let mut server = ServerHandshake::new(ServerConfig::new().protocols(["chat"]));
/// server.feed(b"GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n");
/// assert_eq!(server.poll()?, Status::NeedMore);
/// server.feed(b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
/// server.feed(b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat\r\n\r\n\x81\x00");
/// assert_eq!(server.poll()?, Status::Ready);
///
/// let request = server.request().expect("ready");
/// assert_eq!(request.path(), "/chat");
///
/// let mut out = Vec::new();
/// let answer = server.decide()?; // origin, subprotocol and deflate policies
/// server.accept(&answer, &mut out)?;
/// assert!(out.starts_with(b"HTTP/1.1 101 Switching Protocols\r\n"));
/// assert_eq!(server.leftover(), b"\x81\x00"); // the client's first frame
/// # Ok::<(), wshake_proto::Error>(())
/// ```
///
/// [`reset`]: ServerHandshake::reset
#[derive(Debug)]
pub struct ServerHandshake {
    config: Arc<ServerConfig>,
    head: Head,
    parsed: Option<Parsed>,
    phase: Cell<Phase>,
    error: Option<Error>,
}

impl ServerHandshake {
    /// A machine with these policies. Pass an `Arc` to share one config between
    /// connections without copying it.
    pub fn new(config: impl Into<Arc<ServerConfig>>) -> Self {
        let config = config.into();
        Self {
            head: Head::new(),
            config,
            parsed: None,
            phase: Cell::new(Phase::Reading),
            error: None,
        }
    }

    /// The policies in force.
    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    /// Forgets the connection but keeps every allocation, for the next one.
    pub fn reset(&mut self) {
        self.head.reset();
        self.parsed = None;
        self.phase.set(Phase::Reading);
        self.error = None;
    }

    /// Appends bytes read from the peer.
    pub fn feed(&mut self, data: &[u8]) {
        self.head.feed(data);
    }

    /// The input buffer, to read into directly (e.g. tokio's `read_buf`). Only append.
    pub fn buffer_mut(&mut self) -> &mut BytesMut {
        self.head.buffer_mut()
    }

    /// Looks at the bytes fed since the last call: need more, request ready, or an error
    /// whose [`Error::write_response`] is the answer to send before closing. Each byte is
    /// scanned once, so feeding one byte at a time costs O(n) overall.
    pub fn poll(&mut self) -> Result<Status, Error> {
        match self.phase.get() {
            Phase::Reading => {}
            Phase::Failed => return Err(self.error.clone().unwrap_or(Error::WrongState)),
            _ => return Ok(Status::Ready),
        }
        match self.read_request() {
            Ok(status) => Ok(status),
            Err(error) => {
                self.phase.set(Phase::Failed);
                self.error = Some(error.clone());
                Err(error)
            }
        }
    }

    fn read_request(&mut self) -> Result<Status, Error> {
        let limits = self.config.limits;
        let (method, target, version) = if let Some(parsed) = self.head.request_at_once(&limits) {
            parsed?
        } else {
            if !self.head.scan(&limits, Kind::Request)? {
                return Ok(Status::NeedMore);
            }
            self.head.parse_request(&limits)?
        };
        let end = self.head.end().unwrap_or(0);
        let parsed = request::validate(
            &self.head.bytes()[..end],
            self.head.fields(),
            method,
            target,
            version,
        )?;
        self.parsed = Some(parsed);
        self.phase.set(Phase::RequestReady);
        Ok(Status::Ready)
    }

    /// The validated request, once [`poll`](Self::poll) said `Ready`.
    pub fn request(&self) -> Option<Request<'_>> {
        let parsed = self.parsed.as_ref()?;
        let end = self.head.end()?;
        Some(Request {
            head: &self.head.bytes()[..end],
            parsed,
            fields: self.head.fields(),
        })
    }

    /// What the built-in policies answer: `Err(OriginForbidden)` (403) for an origin the
    /// policy refuses, else an acceptance with the preferred common subprotocol (or none)
    /// and the negotiated permessage-deflate parameters (or none).
    pub fn decide(&self) -> Result<AcceptConnection<'_>, Error> {
        let request = self.request().ok_or(Error::WrongState)?;
        let origin = request.origin();
        // No Origin (not a browser) passes every policy: skip reading Host.
        if origin.is_some() && !self.config.origin.allows(origin, request.host().as_bytes()) {
            return Err(Error::OriginForbidden {
                origin: Excerpt::new(request.origin().unwrap_or_default()),
            });
        }
        let protocols = &self.config.protocols;
        let protocol = match self.config.protocol_preference {
            ProtocolPreference::Server => protocols
                .iter()
                .map(alloc::string::String::as_str)
                .find(|p| request.offers_protocol(p)),
            ProtocolPreference::Client => request
                .protocols()
                .find(|p| protocols.iter().any(|s| s == p)),
        };
        let extensions = self
            .config
            .deflate
            .and_then(|deflate| deflate.negotiate(request.extensions()))
            .map_or(ExtensionAnswer::None, ExtensionAnswer::Deflate);
        Ok(AcceptConnection {
            protocol,
            extensions,
            headers: ExtraHeaders::new(),
            from_policy: Some(request.key()),
        })
    }

    /// Writes the 101 for this acceptance into `out`. The answer is checked first: a
    /// subprotocol or extension the client did not offer is an error and nothing is
    /// written.
    pub fn accept(
        &self,
        answer: &AcceptConnection<'_>,
        out: &mut impl BufMut,
    ) -> Result<(), Error> {
        if self.phase.get() != Phase::RequestReady {
            return Err(Error::WrongState);
        }
        let request = self.request().ok_or(Error::WrongState)?;
        if answer.from_policy != Some(request.key()) {
            if let Some(protocol) = answer.protocol
                && !request.offers_protocol(protocol)
            {
                return Err(Error::ProtocolNotOffered);
            }
            check_extension_answer(&request, answer.extensions)?;
        }

        out.put_slice(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ");
        out.put_slice(Accept::for_key(&request.key()).as_bytes());
        out.put_slice(b"\r\n");
        if let Some(protocol) = answer.protocol {
            put_header(out, "Sec-WebSocket-Protocol", protocol.as_bytes());
        }
        match answer.extensions {
            ExtensionAnswer::None => {}
            ExtensionAnswer::Deflate(params) => {
                out.put_slice(b"Sec-WebSocket-Extensions: ");
                put_display(out, &params);
                out.put_slice(b"\r\n");
            }
            ExtensionAnswer::Raw(value) => {
                put_header(out, "Sec-WebSocket-Extensions", value.as_bytes());
            }
        }
        for (name, value) in answer.headers.iter() {
            put_header(out, name, value.as_bytes());
        }
        out.put_slice(b"\r\n");
        self.phase.set(Phase::Accepted);
        Ok(())
    }

    /// Writes the application's rejection (S13: 401, 403, 404, 3xx…) into `out`.
    pub fn reject(
        &self,
        reject: &RejectConnection<'_>,
        out: &mut impl BufMut,
    ) -> Result<(), Error> {
        if self.phase.get() != Phase::RequestReady {
            return Err(Error::WrongState);
        }
        reject.write(out);
        self.phase.set(Phase::Rejected);
        Ok(())
    }

    /// Accepts or rejects as the [`Decision`] says.
    pub fn respond(&self, decision: &Decision<'_>, out: &mut impl BufMut) -> Result<(), Error> {
        match decision {
            Decision::Accept(answer) => self.accept(answer, out),
            Decision::Reject(reject) => self.reject(reject, out),
        }
    }

    /// The complete request head as received, once the blank line arrived, even when it
    /// failed validation (to serve a plain HTTP request some other way, say).
    pub fn raw_head(&self) -> Option<&[u8]> {
        self.head.end().map(|end| &self.head.bytes()[..end])
    }

    /// The bytes that followed the request head (H24): the client's first frames. Empty
    /// until the head is complete.
    pub fn leftover(&self) -> &[u8] {
        self.head.leftover()
    }

    /// Takes the leftover out without copying it. Allocation-free when it is empty.
    pub fn take_leftover(&mut self) -> Bytes {
        self.head.take_leftover()
    }

    /// Whether a 101 was written.
    pub fn is_accepted(&self) -> bool {
        self.phase.get() == Phase::Accepted
    }
}

fn check_extension_answer(request: &Request<'_>, answer: ExtensionAnswer<'_>) -> Result<(), Error> {
    match answer {
        ExtensionAnswer::None => Ok(()),
        ExtensionAnswer::Deflate(params) => {
            let accepted = request
                .extensions()
                .filter(|e| e.name().eq_ignore_ascii_case(PERMESSAGE_DEFLATE))
                .filter_map(|e| DeflateOffer::parse(&e).ok())
                .any(|offer| offer.accepts(&params).is_ok());
            if accepted {
                Ok(())
            } else {
                Err(Error::ExtensionNotOffered)
            }
        }
        ExtensionAnswer::Raw(value) => {
            let answered = Extensions::parse(value.as_bytes()).ok_or(Error::InvalidExtensions)?;
            // S15: a subset of the offer, in the offer's order.
            let mut offered = request.extensions();
            for extension in answered {
                if !offered.any(|o| o.name().eq_ignore_ascii_case(extension.name())) {
                    return Err(Error::ExtensionNotOffered);
                }
            }
            Ok(())
        }
    }
}
