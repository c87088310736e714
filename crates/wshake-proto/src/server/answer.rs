//! The application's two answers to a valid request, and the bytes each becomes: the 101
//! that accepts, the complete response that rejects.

use bytes::BufMut;
use wshake_accept::Accept;

use crate::LocalError;
use crate::extensions::{AnswerCheck, DeflateParams, Extensions};
use crate::headers::{ExtraHeaders, Message};
use crate::write::{Http1, ResponseSink};

use super::Request;

/// The extensions a server answers with.
#[non_exhaustive]
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
/// Start from [`Incoming::decide`](super::Incoming::decide) or
/// [`Incoming::negotiate`](super::Incoming::negotiate) to keep what the configured
/// policies chose, or from [`new`](Self::new) to choose everything yourself. Whatever
/// it says is checked against the request when it is written.
///
/// ```
/// use wshake_proto::server::AcceptConnection;
///
/// let answer = AcceptConnection::new().protocol("chat").header("X-Served-By", "wshake")?;
/// assert_eq!(answer.chosen_protocol(), Some("chat"));
/// # Ok::<(), wshake_proto::LocalError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AcceptConnection<'a> {
    pub(crate) protocol: Option<&'a str>,
    pub(crate) extensions: ExtensionAnswer<'a>,
    headers: ExtraHeaders<'a>,
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
        self
    }

    /// Chooses no subprotocol.
    #[must_use]
    pub fn no_protocol(mut self) -> Self {
        self.protocol = None;
        self
    }

    /// Answers extensions.
    #[must_use]
    pub fn extensions(mut self, extensions: ExtensionAnswer<'a>) -> Self {
        self.extensions = extensions;
        self
    }

    /// Adds a header to the 101 (up to 16). The handshake's own headers cannot be
    /// overridden, and CR, LF and NUL are refused.
    pub fn header(mut self, name: &'a str, value: &'a str) -> Result<Self, LocalError> {
        self.push_header(name, value)?;
        Ok(self)
    }

    /// [`header`](Self::header) in place.
    pub(crate) fn push_header(&mut self, name: &'a str, value: &'a str) -> Result<(), LocalError> {
        self.headers.push(Message::Accept, name, value)
    }

    /// The chosen subprotocol.
    pub fn chosen_protocol(&self) -> Option<&'a str> {
        self.protocol
    }

    /// The extension answer.
    pub fn extension_answer(&self) -> ExtensionAnswer<'a> {
        self.extensions
    }

    /// The permessage-deflate parameters answered as [`ExtensionAnswer::Deflate`], if any
    /// (a [`Raw`](ExtensionAnswer::Raw) answer is not read back).
    pub fn deflate(&self) -> Option<DeflateParams> {
        match self.extensions {
            ExtensionAnswer::Deflate(params) => Some(params),
            ExtensionAnswer::None | ExtensionAnswer::Raw(_) => None,
        }
    }

    /// Checks the answer against `request` (S14, S15, D24–D29), then writes the 101 (the
    /// 200 to an HTTP/2 extended CONNECT).
    /// Nothing is written when the check fails.
    pub(crate) fn write(
        &self,
        request: &Request<'_>,
        out: &mut impl ResponseSink,
    ) -> Result<(), LocalError> {
        self.check(request)?;
        match request.key() {
            Some(key) => {
                out.status(101);
                out.upgrade_lines(Accept::for_key(&key).as_bytes());
            }
            // An extended CONNECT (RFC 8441 §5): a 200 opens the tunnel, and there is
            // neither key nor accept.
            None => out.status(200),
        }
        if let Some(protocol) = self.protocol {
            out.header("Sec-WebSocket-Protocol", protocol.as_bytes());
        }
        match self.extensions {
            ExtensionAnswer::None => {}
            ExtensionAnswer::Deflate(params) => {
                out.header_display("Sec-WebSocket-Extensions", &params);
            }
            ExtensionAnswer::Raw(value) => {
                out.header("Sec-WebSocket-Extensions", value.as_bytes());
            }
        }
        for (name, value) in self.headers.iter() {
            out.header(name, value.as_bytes());
        }
        out.body(&[]);
        Ok(())
    }

    /// Whether the request offered what this answer chooses (S14, S15, D24–D29).
    fn check(&self, request: &Request<'_>) -> Result<(), LocalError> {
        if self
            .protocol
            .is_some_and(|protocol| !request.offers_protocol(protocol))
        {
            return Err(LocalError::ProtocolNotOffered);
        }
        let check = || AnswerCheck::new(request.extensions(), request.deflate_offers(), true);
        match self.extensions {
            ExtensionAnswer::None => {}
            ExtensionAnswer::Deflate(params) => check().answered_deflate(params)?,
            ExtensionAnswer::Raw(value) => {
                let mut check = check();
                let answered =
                    Extensions::parse(value.as_bytes()).ok_or(LocalError::InvalidExtensions)?;
                for extension in answered {
                    check.answered(&extension)?;
                }
            }
        }
        Ok(())
    }
}

/// An application's refusal: any status from 300 to 599, its own headers and body.
///
/// ```
/// use wshake_proto::server::RejectConnection;
///
/// let reject = RejectConnection::new(401)?
///     .header("WWW-Authenticate", "Bearer")?
///     .body(b"log in first\n");
/// let mut out = Vec::new();
/// reject.write(&mut out);
/// assert!(out.starts_with(b"HTTP/1.1 401 Unauthorized\r\n"));
/// # Ok::<(), wshake_proto::LocalError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RejectConnection<'a> {
    status: u16,
    headers: ExtraHeaders<'a>,
    body: &'a [u8],
}

impl<'a> RejectConnection<'a> {
    /// A rejection with this status. 1xx and 2xx cannot reject a handshake.
    pub fn new(status: u16) -> Result<Self, LocalError> {
        if !(300..=599).contains(&status) {
            return Err(LocalError::InvalidRejectStatus { status });
        }
        Ok(Self {
            status,
            headers: ExtraHeaders::default(),
            body: &[],
        })
    }

    /// Adds a header (`Location`, `WWW-Authenticate`, `Retry-After`, …; up to 16).
    /// `Content-Length`, `Connection` and `Transfer-Encoding` are the handshake's own;
    /// CR, LF and NUL are refused.
    pub fn header(mut self, name: &'a str, value: &'a str) -> Result<Self, LocalError> {
        self.headers.push(Message::Reject, name, value)?;
        Ok(self)
    }

    /// The body, sent with its `Content-Length`.
    #[must_use]
    pub fn body(mut self, body: &'a [u8]) -> Self {
        self.body = body;
        self
    }

    /// The status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Writes the whole response: status line, `Connection: close`, the headers, a
    /// `Content-Type` for a body without one, `Content-Length`, the body.
    pub fn write(&self, out: &mut impl BufMut) {
        self.compose(&mut Http1(out));
    }

    pub(crate) fn compose(&self, out: &mut impl ResponseSink) {
        out.status(self.status);
        if !out.http2() {
            out.header("Connection", b"close");
        }
        let mut has_type = false;
        for (name, value) in self.headers.iter() {
            has_type |= name.eq_ignore_ascii_case("content-type");
            out.header(name, value.as_bytes());
        }
        if !has_type && !self.body.is_empty() {
            out.header("Content-Type", b"text/plain; charset=utf-8");
        }
        out.header_display("Content-Length", &self.body.len());
        out.body(self.body);
    }
}
