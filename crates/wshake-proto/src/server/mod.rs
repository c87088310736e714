//! The server role: bytes in, a validated request out, the application answers, the
//! response bytes out, and whatever followed the request handed on untouched.
//!
//! ```text
//!  feed() / spare()+advance()      poll()
//! ───────────────────────────▶ ServerHandshake ──▶ Status::Ready(Incoming)
//!              ▲  Status::NeedMore ◀┘  │                 │ decide() / negotiate(): policies
//!              └───────────────────────┘                 │ accept(answer) ─▶ 101, then leftover()
//!                                      ▼                 │ reject(answer) ─▶ 3xx–5xx, close
//!            Err(Error): error.write_response(), close   ▼
//!                                              Err(LocalError): its 500, close
//! ```
//!
//! [`Incoming`] is the only way to answer, and answering consumes it: a response cannot be
//! written before the request is complete, or twice from one `Incoming`. (`poll` after an
//! answer hands out the same request again; a driver answers once and stops polling.)

mod answer;
mod busy;
mod config;
mod forwarded;
#[cfg(feature = "http")]
mod http2;
#[cfg(feature = "http")]
mod http_types;
mod origin;
mod owned_answer;
mod request;

use alloc::sync::Arc;
use core::net::IpAddr;

use bytes::{BufMut, Bytes};

pub use answer::{AcceptConnection, ExtensionAnswer, RejectConnection};
pub use busy::write_busy_response;
pub use config::{ProtocolPreference, ServerConfig};
#[cfg(feature = "http")]
pub use http2::ExtendedConnect;
pub use origin::OriginPolicy;
pub use owned_answer::{Answer, Answered};
pub use request::{OwnedRequest, Request};

use crate::classify::{Known, classify};
use crate::error::Excerpt;
use crate::head::{Failure, Head, Kind, RequestLine};
use crate::write::Http1;
use crate::{Error, LocalError, Status};
use request::Parsed;

/// The server side of one handshake, reusable for the next connection after [`reset`].
///
/// ```
/// use wshake_proto::server::{ServerConfig, ServerHandshake};
/// use wshake_proto::Status;
///
/// let mut server = ServerHandshake::new(ServerConfig::new().protocols(["chat"]));
/// server.feed(b"GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n");
/// assert!(matches!(server.poll()?, Status::NeedMore));
/// server.feed(b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
/// server.feed(b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat\r\n\r\n\x81\x00");
/// let Status::Ready(incoming) = server.poll()? else { panic!("complete") };
/// assert_eq!(incoming.request().path(), "/chat");
///
/// let mut out = Vec::new();
/// let answer = incoming.decide()?; // origin, subprotocol and deflate policies
/// incoming.accept(&answer, &mut out).expect("the policies' answer is valid");
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
    /// The request line, once the head is parsed (even when validation then fails).
    line: Option<RequestLine>,
    parsed: Option<Parsed>,
    failure: Failure,
}

impl ServerHandshake {
    /// A machine with these policies. Pass an `Arc` to share one config between
    /// connections without copying it.
    pub fn new(config: impl Into<Arc<ServerConfig>>) -> Self {
        Self {
            config: config.into(),
            head: Head::new(),
            line: None,
            parsed: None,
            failure: Failure::default(),
        }
    }

    /// The policies in force.
    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    /// Forgets the connection but keeps every allocation, for the next one.
    pub fn reset(&mut self) {
        self.head.reset();
        self.line = None;
        self.parsed = None;
        self.failure = Failure::default();
    }

    /// Appends bytes read from the peer.
    pub fn feed(&mut self, data: &[u8]) {
        self.head.feed(data);
    }

    /// Room to read the peer's next bytes into, without a copy: read into it, then say how
    /// many bytes arrived with [`advance`](Self::advance). The buffer grows by `grow_by`
    /// bytes (at most 1 MiB) only once it is full, so a peer trickling its head holds one
    /// chunk.
    pub fn spare(&mut self, grow_by: usize) -> &mut [u8] {
        self.head.spare(grow_by)
    }

    /// Marks `n` bytes of [`spare`](Self::spare) as read from the peer (at most what it
    /// handed out).
    pub fn advance(&mut self, n: usize) {
        self.head.advance(n);
    }

    /// Looks at the bytes fed since the last call: more needed, the request ready to be
    /// answered, or what the peer got wrong, whose [`Error::write_response`] is the answer
    /// to send before closing. Each byte is scanned once, so feeding one byte at a time
    /// costs O(n) overall. Once ready or failed, it says so again on every call.
    pub fn poll(&mut self) -> Result<Status<Incoming<'_>>, Error> {
        self.failure.check()?;
        // Filled and borrowed in place: a `Parsed` moved through return values would be
        // copied on every poll, and a trickled head is polled once per byte.
        let parsed = match &mut self.parsed {
            Some(parsed) => &*parsed,
            empty @ None => {
                match read_request(&mut self.head, &self.config, &mut self.line, empty) {
                    Ok(Some(parsed)) => parsed,
                    Ok(None) => return Ok(Status::NeedMore),
                    Err(error) => return Err(self.failure.fail(error)),
                }
            }
        };
        Ok(Status::Ready(Incoming {
            request: Request::from_head(
                &self.head.bytes()[..parsed.end],
                parsed,
                self.head.fields(),
            ),
            config: &self.config,
            peer: None,
        }))
    }

    /// The path of a plain HTTP `GET` that was refused as no handshake: no `Upgrade` and
    /// no `Sec-WebSocket-Key` at all (a browser opening the page, a health check), so a
    /// server may answer it some other way. A request with WebSocket headers but no
    /// `Upgrade` is a broken handshake, not a page request: `None`.
    pub fn plain_get(&self) -> Option<&str> {
        if !self.failure.is(&Error::MissingUpgrade) {
            return None;
        }
        let head = self.head.complete()?;
        let (method, target, _) = self.line.clone()?;
        let has_key = self
            .head
            .fields()
            .iter()
            .any(|field| classify(&head[field.name.clone()]) == Known::Key);
        if &head[method] != b"GET" || has_key {
            return None;
        }
        let (path, _) = request::split_target(head, target).ok()?;
        let path = core::str::from_utf8(&head[path]).ok()?;
        Some(if path.is_empty() { "/" } else { path })
    }

    /// The complete request head as received, once the blank line arrived, even when it
    /// failed validation.
    pub fn raw_head(&self) -> Option<&[u8]> {
        self.head.complete()
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
}

/// Reads the request head as far as it has arrived, then validates it into `slot`; the
/// request line is kept even when validation fails.
fn read_request<'p>(
    head: &mut Head,
    config: &ServerConfig,
    line: &mut Option<RequestLine>,
    slot: &'p mut Option<Parsed>,
) -> Result<Option<&'p Parsed>, Error> {
    let limits = &config.limits;
    let (end, parsed_line) = if let Some(parsed) = head.request_at_once(limits) {
        parsed?
    } else {
        let Some(end) = head.scan(limits, Kind::Request)? else {
            return Ok(None);
        };
        (end, head.parse_request(limits, end)?)
    };
    *line = Some(parsed_line.clone());
    let read_deflate = config.deflate.is_some();
    let parsed = request::validate(
        &head.bytes()[..end],
        head.fields(),
        parsed_line,
        read_deflate,
    )?;
    config.check_host(&head.bytes()[parsed.host.clone()])?;
    Ok(Some(slot.insert(parsed)))
}

/// A complete, valid request waiting for the application's answer: read it, decide, then
/// [`accept`](Self::accept) or [`reject`](Self::reject), which consume it.
#[derive(Debug)]
pub struct Incoming<'a> {
    request: Request<'a>,
    config: &'a ServerConfig,
    /// The address the connection came from, when the driver said.
    peer: Option<IpAddr>,
}

impl<'a> Incoming<'a> {
    /// A request validated before (an [`OwnedRequest`] kept across awaits, say), to be
    /// answered with `config`'s policies: the config it was validated (and, for
    /// [`OwnedRequest::from_parts`], kept) under, which decided what the copy holds.
    pub fn validated(config: &'a ServerConfig, request: Request<'a>) -> Self {
        Self {
            request,
            config,
            peer: None,
        }
    }

    /// The request.
    pub fn request(&self) -> Request<'a> {
        self.request
    }

    /// Says which address the connection came from: needed only to trust reverse
    /// proxies ([`ServerConfig::trust_proxies`]).
    #[must_use]
    pub fn peer(mut self, address: IpAddr) -> Self {
        self.peer = Some(address);
        self
    }

    /// The host the client addressed, and its scheme when known: what a trusted proxy
    /// forwarded when the connection comes from one, else `Host` (over HTTP/2,
    /// `:authority` and `:scheme`).
    pub fn addressed_host(&self) -> (&'a [u8], Option<&'a [u8]>) {
        let trusted = self
            .peer
            .is_some_and(|peer| self.config.trusted_proxies.contains(&peer));
        if trusted {
            let forwarded = forwarded::forwarded(&self.request.headers());
            if let Some(host) = forwarded.host {
                return (host, forwarded.proto);
            }
            if forwarded.proto.is_some() {
                return (self.request.host_bytes(), forwarded.proto);
            }
        }
        // Over HTTP/2 the request names its scheme (`:scheme`), checked against the
        // connection when the stack said whether it is TLS.
        (
            self.request.host_bytes(),
            self.request.scheme().map(str::as_bytes),
        )
    }

    /// The origin policy alone: `Err(OriginForbidden)` (403) for an `Origin` it refuses.
    /// A request without `Origin` (not a browser) passes. The `Origin` is compared with
    /// [`addressed_host`](Self::addressed_host).
    pub fn check_origin(&self) -> Result<(), Error> {
        let Some(origin) = self.request.origin() else {
            return Ok(());
        };
        if self.config.origin.allows_any() {
            return Ok(());
        }
        let (host, scheme) = self.addressed_host();
        if self.config.origin.allows_at(Some(origin), host, scheme) {
            Ok(())
        } else {
            Err(Error::OriginForbidden {
                origin: Excerpt::new(origin),
            })
        }
    }

    /// What the configured negotiation answers, without the origin policy: the preferred
    /// common subprotocol (or none) and the permessage-deflate parameters (or none).
    pub fn negotiate(&self) -> AcceptConnection<'a> {
        let request = self.request;
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
            .and_then(|deflate| deflate.negotiate_offers(request.deflate_offers()))
            .map_or(ExtensionAnswer::None, ExtensionAnswer::Deflate);
        let mut answer = AcceptConnection::new().extensions(extensions);
        answer.protocol = protocol;
        answer
    }

    /// What every built-in policy answers: the origin policy ([`check_origin`]), then
    /// [`negotiate`], refusing with `NoCommonProtocol` (400) when the config
    /// [requires a subprotocol](ServerConfig::require_protocol) and none was agreed. Add
    /// headers to the acceptance it returns to keep the policies and say more.
    ///
    /// [`check_origin`]: Self::check_origin
    /// [`negotiate`]: Self::negotiate
    pub fn decide(&self) -> Result<AcceptConnection<'a>, Error> {
        let answer = self.negotiate();
        self.check_decision(&answer)?;
        Ok(answer)
    }

    /// The policies' refusal of what [`negotiate`](Self::negotiate) agreed, if any: the
    /// origin policy, then a required subprotocol.
    pub(crate) fn check_decision(&self, negotiated: &AcceptConnection<'_>) -> Result<(), Error> {
        self.check_origin()?;
        if self.config.require_protocol && negotiated.protocol.is_none() {
            return Err(Error::NoCommonProtocol);
        }
        Ok(())
    }

    /// Writes the 101 for this acceptance into `out`. The answer is checked against the
    /// request first: a subprotocol or extension the client did not offer is the
    /// application's error, and nothing is written (answer [`LocalError::write_response`]).
    pub fn accept(
        self,
        answer: &AcceptConnection<'_>,
        out: &mut impl BufMut,
    ) -> Result<(), LocalError> {
        answer.write(&self.request, &mut Http1(out))
    }

    /// Writes the application's rejection (S13: 401, 403, 404, 3xx…) into `out`.
    pub fn reject(self, reject: &RejectConnection<'_>, out: &mut impl BufMut) {
        reject.write(out);
    }

    /// Writes the response an owned [`Answer`] makes into `out`: the 101 or the
    /// rejection. For [`Answered::Refused`] and [`Answered::Failed`] nothing is written:
    /// answer with that error's `write_response`.
    pub fn answer(self, answer: &Answer, out: &mut impl BufMut) -> Answered {
        answer
            .compose(&self, &mut Http1(out))
            .unwrap_or_else(Answered::Failed)
    }
}

impl<'a> core::ops::Deref for Incoming<'a> {
    type Target = Request<'a>;

    fn deref(&self) -> &Request<'a> {
        &self.request
    }
}
