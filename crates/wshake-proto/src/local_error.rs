//! What the local application got wrong: options, answers and URLs it gave. Never the
//! peer's fault, so never answered with the peer's error status.

use core::fmt;

use crate::error::DeflateError;

/// A mistake of the local application: a builder option, an answer the handshake cannot
/// send, a URL it cannot use. Returned by configuration builders,
/// [`Incoming::accept`](crate::server::Incoming::accept),
/// [`AcceptConnection::header`](crate::server::AcceptConnection::header) and the like;
/// never by `poll`.
///
/// A server that meets one while answering has no valid response to give: it answers
/// with [`write_response`](Self::write_response) (a plain 500) and closes.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LocalError {
    /// A header name that is not an RFC 9110 token.
    InvalidHeaderName,
    /// A header value with CR, LF, NUL or another control character.
    InvalidHeaderValue,
    /// A header the handshake writes itself (`Sec-WebSocket-Accept`, `Connection`, …).
    ReservedHeader,
    /// More extra headers than an answer holds.
    TooManyHeaders {
        /// How many an answer holds.
        capacity: usize,
    },
    /// A rejection status outside 300–599: a handshake is refused with a redirect, a
    /// client error or a server error, never with 1xx or 2xx.
    InvalidRejectStatus {
        /// The status asked for.
        status: u16,
    },
    /// The answer chooses a subprotocol the client did not offer (S14).
    ProtocolNotOffered,
    /// The answer includes an extension the client did not offer (S15).
    ExtensionNotOffered,
    /// The answer includes two extensions that use the RSV1 bit.
    ConflictingExtensions,
    /// A `Sec-WebSocket-Extensions` value that does not follow RFC 6455 §9.1.
    InvalidExtensions,
    /// permessage-deflate parameters that answer none of the client's offers.
    InvalidDeflate(DeflateError),
    /// A subprotocol that is not a token.
    InvalidProtocol,
    /// A subprotocol offered twice (C9).
    DuplicateProtocolOffer,
    /// An `Origin` that is empty or has control characters.
    InvalidOrigin,
    /// A `Host` that is not `host[:port]`.
    InvalidHost,
    /// A resource name that does not start with `/` or has spaces or controls.
    InvalidResource,
    /// A URL fragment (`#…`): RFC 6455 §3 forbids it; send `%23` instead.
    UrlFragment,
    /// A client URL that is not a valid `ws://` or `wss://` URL.
    InvalidUrl,
    /// A URL whose scheme is not `ws` or `wss`.
    UnsupportedScheme,
    /// Credentials in the URL (`user:pass@`): not sent, and refused rather than dropped.
    UrlCredentials,
    /// `max_headers` above what the parser holds.
    HeaderLimitTooLarge {
        /// The largest value accepted.
        ceiling: usize,
    },
}

impl LocalError {
    /// Writes the 500 a server sends when its own answer cannot be sent. The body says
    /// only that the server failed: the details are the application's, not the peer's.
    pub fn write_response(&self, out: &mut impl bytes::BufMut) {
        crate::write::error_response(
            500,
            &[],
            &"internal server error",
            &mut crate::write::Http1(out),
        );
    }
}

impl fmt::Display for LocalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidHeaderName => f.write_str("header name is not a token"),
            Self::InvalidHeaderValue => {
                f.write_str("header value has a control character (CR, LF, NUL…)")
            }
            Self::ReservedHeader => f.write_str("header is one the handshake writes itself"),
            Self::TooManyHeaders { capacity } => {
                write!(f, "more than {capacity} extra headers")
            }
            Self::InvalidRejectStatus { status } => {
                write!(f, "reject status {status} is not 300 to 599")
            }
            Self::ProtocolNotOffered => f.write_str("chosen subprotocol was not offered"),
            Self::ExtensionNotOffered => f.write_str("answered extension was not offered"),
            Self::ConflictingExtensions => {
                f.write_str("answer has more than one extension using the RSV1 bit")
            }
            Self::InvalidExtensions => {
                f.write_str("malformed Sec-WebSocket-Extensions (RFC 6455 section 9.1)")
            }
            Self::InvalidDeflate(error) => write!(f, "invalid permessage-deflate: {error}"),
            Self::InvalidProtocol => f.write_str("subprotocol is not a token"),
            Self::DuplicateProtocolOffer => f.write_str("subprotocol offered twice"),
            Self::InvalidOrigin => f.write_str("Origin is empty or has control characters"),
            Self::InvalidHost => f.write_str("Host is not host[:port]"),
            Self::InvalidResource => {
                f.write_str("resource must start with / and have no spaces or controls")
            }
            Self::UrlFragment => f.write_str("URL has a fragment; send '#' as %23"),
            Self::InvalidUrl => f.write_str("not a valid ws:// or wss:// URL"),
            Self::UnsupportedScheme => f.write_str("URL scheme must be ws or wss"),
            Self::UrlCredentials => f.write_str("URL has user:password@, which is not sent"),
            Self::HeaderLimitTooLarge { ceiling } => {
                write!(f, "max_headers is at most {ceiling}")
            }
        }
    }
}

impl core::error::Error for LocalError {}
