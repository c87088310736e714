//! What the peer got wrong, in its terms, with the HTTP status a server answers it with.
//! What the application got wrong is [`LocalError`](crate::LocalError), a separate type.

use alloc::string::String;
use core::fmt;

use wshake_accept::KeyError;

/// A few bytes of what the peer sent, kept inline (no allocation) for error messages.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Excerpt {
    bytes: [u8; Self::CAPACITY],
    len: usize,
    truncated: bool,
}

impl Excerpt {
    /// At most this many bytes are kept; longer values are marked as cut.
    pub const CAPACITY: usize = 24;

    pub(crate) fn new(value: &[u8]) -> Self {
        let len = value.len().min(Self::CAPACITY);
        let mut bytes = [0; Self::CAPACITY];
        bytes[..len].copy_from_slice(&value[..len]);
        Self {
            bytes,
            len,
            truncated: value.len() > len,
        }
    }

    /// The bytes kept.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl fmt::Display for Excerpt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for chunk in self.as_bytes().utf8_chunks() {
            for c in chunk.valid().chars() {
                if c.is_control() {
                    write!(f, "{}", c.escape_default())?;
                } else {
                    write!(f, "{c}")?;
                }
            }
            for byte in chunk.invalid() {
                write!(f, "\\x{byte:02X}")?;
            }
        }
        if self.truncated {
            f.write_str("…")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Excerpt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

/// Why a permessage-deflate offer or response is invalid (RFC 7692 §7).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeflateError {
    /// A parameter RFC 7692 does not define.
    UnknownParameter,
    /// The same parameter twice.
    DuplicateParameter,
    /// A `*_no_context_takeover` parameter with a value.
    UnexpectedValue,
    /// A window size that is not 8 to 15 in plain decimal.
    InvalidWindowBits,
    /// `server_max_window_bits` without a value (or, in a response,
    /// `client_max_window_bits` without one).
    MissingValue,
    /// The server answered a window size larger than the client offered.
    WindowLargerThanOffered,
    /// The server answered `client_max_window_bits` although the client did not offer it.
    ClientWindowNotOffered,
    /// The client offered `server_no_context_takeover` and the server did not echo it.
    NoContextTakeoverNotEchoed,
    /// The server answered `client_max_window_bits=8`: zlib cannot compress raw deflate
    /// with an 8-bit window, so the client declines the answer (D30).
    CompressorWindowTooSmall,
}

impl fmt::Display for DeflateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::UnknownParameter => "unknown parameter",
            Self::DuplicateParameter => "parameter given twice",
            Self::UnexpectedValue => "no_context_takeover parameters take no value",
            Self::InvalidWindowBits => "window bits must be 8 to 15",
            Self::MissingValue => "a window bits parameter without its value",
            Self::WindowLargerThanOffered => "window bits larger than offered",
            Self::ClientWindowNotOffered => "client_max_window_bits was not offered",
            Self::NoContextTakeoverNotEchoed => "server_no_context_takeover was not echoed",
            Self::CompressorWindowTooSmall => {
                "client_max_window_bits=8: zlib cannot compress with an 8-bit window"
            }
        })
    }
}

/// What the peer got wrong: a failed handshake, and (for a server) the status to answer.
///
/// Only the machines' `poll` ([`ServerHandshake`](crate::server::ServerHandshake),
/// [`ClientHandshake`](crate::client::ClientHandshake),
/// [`ResponseReader`](crate::client::ResponseReader)) and the policies they apply
/// ([`Incoming::decide`](crate::server::Incoming::decide)) return it: every variant is
/// about bytes the peer sent. Mistakes of the local application (an answer it cannot
/// send, an invalid option) are [`LocalError`](crate::LocalError)s.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    // --- limits ---
    /// The head did not end within the configured number of bytes (431).
    HeadTooLarge {
        /// The configured limit in bytes.
        limit: usize,
    },
    /// More header lines than configured (431).
    TooManyHeaders {
        /// The configured limit.
        limit: usize,
    },
    /// The request-target is longer than configured (414).
    TargetTooLong {
        /// The configured limit in bytes.
        limit: usize,
    },
    /// No complete request within the time the server allows (408). The sans-IO machine
    /// has no clock: the driver that owns one reports it with this error's response.
    RequestTimeout,

    // --- HTTP syntax ---
    /// The request line is not `METHOD SP request-target SP HTTP-version` (400).
    InvalidRequestLine,
    /// The status line is not `HTTP-version SP 3DIGIT SP reason`.
    InvalidStatusLine,
    /// An HTTP version other than 1.0 or 1.1 (505).
    UnsupportedHttpVersion,
    /// A CR not followed by LF, or a NUL, in a line (400).
    InvalidLineEnding {
        /// 1-based line number.
        line: usize,
    },
    /// A header line starting with whitespace: obsolete line folding (400).
    ObsFold {
        /// 1-based line number.
        line: usize,
    },
    /// Whitespace between a field name and its colon (400).
    WhitespaceBeforeColon {
        /// 1-based line number.
        line: usize,
    },
    /// A field name that is not a token, or a line without a colon (400).
    InvalidHeaderName {
        /// 1-based line number.
        line: usize,
    },
    /// A control character (CR, LF, NUL, …) inside a field value (400).
    InvalidHeaderValue {
        /// 1-based line number.
        line: usize,
    },

    // --- request line ---
    /// A method other than GET (405, with `Allow: GET`).
    MethodNotAllowed {
        /// The method received.
        method: Excerpt,
    },
    /// An HTTP/1.0 request: it cannot upgrade (400).
    Http10,

    // --- HTTP/2 extended CONNECT (RFC 8441, RFC 9113) ---
    /// Over HTTP/2, a method other than CONNECT (405, with `Allow: CONNECT`).
    MethodNotConnect {
        /// The method received.
        method: Excerpt,
    },
    /// An HTTP/2 CONNECT without the `:protocol` pseudo-header: a tunnel request, not a
    /// WebSocket (400).
    MissingConnectProtocol,
    /// A `:protocol` other than `websocket` (400).
    ConnectProtocolNotWebSocket {
        /// The protocol received.
        protocol: Excerpt,
    },
    /// An extended CONNECT without `:scheme` (400).
    MissingScheme,
    /// A `:scheme` other than `http` or `https`, or not the connection's (`https` over
    /// TLS, `http` without) (400).
    UnexpectedScheme {
        /// The scheme received.
        scheme: Excerpt,
    },
    /// An extended CONNECT without `:path`, or with one not starting with `/` (400).
    MissingPath,
    /// An extended CONNECT with neither `:authority` nor `host` (400).
    MissingAuthority,
    /// A `host` header that names another authority than `:authority` (400).
    AuthorityMismatch,
    /// A connection-specific header in an HTTP/2 request (`Connection`, `Upgrade`,
    /// `Keep-Alive`, `Proxy-Connection`, `Transfer-Encoding`, a `TE` other than
    /// `trailers`): the request is malformed (RFC 9113 §8.2.2) (400).
    ConnectionSpecificHeader {
        /// The header's name.
        name: Excerpt,
    },
    /// A request-target that is neither origin-form (`/path`) nor absolute-form (400).
    InvalidTarget,

    // --- headers, in both directions where they apply ---
    /// No `Host` header (400).
    MissingHost,
    /// More than one `Host` header (400).
    DuplicateHost,
    /// A `Host` value that is not `host[:port]` (400).
    InvalidHost,
    /// No `Upgrade` header.
    MissingUpgrade,
    /// `Upgrade` present without the `websocket` token.
    UpgradeNotWebSocket,
    /// No `Connection` header.
    MissingConnection,
    /// `Connection` present without the `upgrade` token.
    ConnectionNotUpgrade,
    /// No `Sec-WebSocket-Key` header (400).
    MissingKey,
    /// More than one `Sec-WebSocket-Key` header (400).
    DuplicateKey,
    /// A `Sec-WebSocket-Key` that is not base64 of 16 bytes (400).
    InvalidKey(KeyError),
    /// No `Sec-WebSocket-Version` header (426).
    MissingVersion,
    /// A `Sec-WebSocket-Version` other than 13 (426).
    UnsupportedVersion {
        /// The version received.
        version: Excerpt,
    },
    /// A `Sec-WebSocket-Version` that is not a number 0–255 without leading zeros (400).
    InvalidVersion,
    /// More than one `Sec-WebSocket-Version` header (400).
    DuplicateVersion,
    /// `Content-Length` > 0 or `Transfer-Encoding`: a handshake, request or 101, has no
    /// body (400).
    UnexpectedBody,
    /// A `Content-Length` that is not a number (400).
    InvalidContentLength,
    /// A `Sec-WebSocket-Protocol` value that is not a list of tokens (a token, in a
    /// response) (400).
    InvalidProtocol,
    /// A `Sec-WebSocket-Extensions` value that does not follow RFC 6455 §9.1 (400).
    InvalidExtensions,
    /// More than one `Origin` header (400).
    DuplicateOrigin,
    /// The `Host` (over HTTP/2, `:authority`) is not one the server answers for
    /// ([`ServerConfig::allowed_hosts`](crate::server::ServerConfig::allowed_hosts)): a
    /// DNS-rebinding page, or a request meant for another server (421).
    HostNotAllowed {
        /// The host received.
        host: Excerpt,
    },
    /// The `Origin` is not allowed by the server's policy (403).
    OriginForbidden {
        /// The origin received.
        origin: Excerpt,
    },
    /// None of the offered subprotocols is one the server speaks, and the server
    /// requires one (400).
    NoCommonProtocol,

    // --- response checks (client role) ---
    /// The server answered something other than `101 Switching Protocols` (`200` to an
    /// HTTP/2 extended CONNECT).
    NotSwitchingProtocols {
        /// The status code received.
        status: u16,
        /// The reason phrase received.
        reason: String,
        /// The `Location` header, if any (for 3xx redirects).
        location: Option<String>,
    },
    /// No `Sec-WebSocket-Accept` in the response.
    MissingAccept,
    /// More than one `Sec-WebSocket-Accept` in the response.
    DuplicateAccept,
    /// The `Sec-WebSocket-Accept` does not match the key sent.
    AcceptMismatch,
    /// The server chose no subprotocol although some were offered (strict mode).
    ProtocolNotChosen,
    /// More than one `Sec-WebSocket-Protocol` line in the response.
    DuplicateProtocol,
    /// The server chose a subprotocol the client did not offer.
    ProtocolNotOffered,
    /// The server chose an extension the client did not offer.
    ExtensionNotOffered,
    /// Two extensions that both use the RSV1 bit, or permessage-deflate twice (RFC 7692 §7).
    ConflictingExtensions,
    /// An invalid permessage-deflate offer or response parameter.
    InvalidDeflate(DeflateError),
}

impl Error {
    /// The HTTP status a server answers this error with, or `None` for errors that only a
    /// client meets (it has nobody to answer).
    pub fn status(&self) -> Option<u16> {
        Some(match self {
            Self::HeadTooLarge { .. } | Self::TooManyHeaders { .. } => 431,
            Self::TargetTooLong { .. } => 414,
            Self::RequestTimeout => 408,
            Self::UnsupportedHttpVersion => 505,
            Self::MethodNotAllowed { .. } | Self::MethodNotConnect { .. } => 405,
            Self::MissingVersion | Self::UnsupportedVersion { .. } => 426,
            Self::OriginForbidden { .. } => 403,
            Self::HostNotAllowed { .. } => 421,
            Self::InvalidRequestLine
            | Self::InvalidLineEnding { .. }
            | Self::ObsFold { .. }
            | Self::WhitespaceBeforeColon { .. }
            | Self::InvalidHeaderName { .. }
            | Self::InvalidHeaderValue { .. }
            | Self::Http10
            | Self::MissingConnectProtocol
            | Self::ConnectProtocolNotWebSocket { .. }
            | Self::MissingScheme
            | Self::UnexpectedScheme { .. }
            | Self::MissingPath
            | Self::MissingAuthority
            | Self::AuthorityMismatch
            | Self::ConnectionSpecificHeader { .. }
            | Self::InvalidTarget
            | Self::MissingHost
            | Self::DuplicateHost
            | Self::InvalidHost
            | Self::MissingUpgrade
            | Self::UpgradeNotWebSocket
            | Self::MissingConnection
            | Self::ConnectionNotUpgrade
            | Self::MissingKey
            | Self::DuplicateKey
            | Self::InvalidKey(_)
            | Self::InvalidVersion
            | Self::DuplicateVersion
            | Self::UnexpectedBody
            | Self::InvalidContentLength
            | Self::InvalidProtocol
            | Self::InvalidExtensions
            | Self::InvalidDeflate(_)
            | Self::DuplicateOrigin
            | Self::NoCommonProtocol => 400,
            Self::InvalidStatusLine
            | Self::NotSwitchingProtocols { .. }
            | Self::MissingAccept
            | Self::DuplicateAccept
            | Self::AcceptMismatch
            | Self::ProtocolNotChosen
            | Self::DuplicateProtocol
            | Self::ProtocolNotOffered
            | Self::ExtensionNotOffered
            | Self::ConflictingExtensions => return None,
        })
    }

    /// Writes the complete HTTP/1.1 response a server sends for this error: status line,
    /// `Connection: close`, a plain-text body of one line, plus `Allow: GET` (405) or
    /// `Sec-WebSocket-Version: 13` (426). Errors only a client meets have no response of
    /// their own and get a 400.
    pub fn write_response(&self, out: &mut impl bytes::BufMut) {
        crate::write::peer_error_response(self, &mut crate::write::Http1(out));
    }
}

impl fmt::Display for Error {
    #[allow(clippy::too_many_lines, reason = "one arm per variant")]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::HeadTooLarge { limit } => write!(f, "header block larger than {limit} bytes"),
            Self::TooManyHeaders { limit } => write!(f, "more than {limit} header lines"),
            Self::TargetTooLong { limit } => {
                write!(f, "request-target longer than {limit} bytes")
            }
            Self::RequestTimeout => f.write_str("no complete request in the time allowed"),
            Self::InvalidRequestLine => f.write_str("malformed request line"),
            Self::InvalidStatusLine => f.write_str("malformed status line"),
            Self::UnsupportedHttpVersion => f.write_str("HTTP version not supported"),
            Self::InvalidLineEnding { line } => {
                write!(f, "bare CR or NUL in line {line}")
            }
            Self::ObsFold { line } => {
                write!(
                    f,
                    "obsolete line folding (line {line} starts with whitespace)"
                )
            }
            Self::WhitespaceBeforeColon { line } => {
                write!(f, "whitespace between header name and colon in line {line}")
            }
            Self::InvalidHeaderName { line } => write!(f, "invalid header name in line {line}"),
            Self::InvalidHeaderValue { line } => {
                write!(f, "invalid character in header value in line {line}")
            }
            Self::MethodNotAllowed { method } => {
                write!(
                    f,
                    "method {method} not allowed, a WebSocket handshake is a GET"
                )
            }
            Self::Http10 => f.write_str("HTTP/1.0 request cannot upgrade, HTTP/1.1 required"),
            Self::MethodNotConnect { method } => write!(
                f,
                "method {method} not allowed, a WebSocket over HTTP/2 is an extended CONNECT"
            ),
            Self::MissingConnectProtocol => {
                f.write_str("CONNECT without :protocol, expected :protocol websocket")
            }
            Self::ConnectProtocolNotWebSocket { protocol } => {
                write!(f, ":protocol {protocol} not supported, expected websocket")
            }
            Self::MissingScheme => f.write_str("extended CONNECT without :scheme"),
            Self::UnexpectedScheme { scheme } => {
                write!(f, ":scheme {scheme} does not match the connection")
            }
            Self::MissingPath => f.write_str("extended CONNECT without a :path starting with /"),
            Self::MissingAuthority => f.write_str("extended CONNECT without :authority or host"),
            Self::AuthorityMismatch => f.write_str("host differs from :authority"),
            Self::ConnectionSpecificHeader { name } => {
                write!(f, "connection-specific header {name} in an HTTP/2 request")
            }
            Self::InvalidTarget => {
                f.write_str("request-target must be a path (/…) or an absolute URL")
            }
            Self::MissingHost => f.write_str("missing Host"),
            Self::DuplicateHost => f.write_str("more than one Host"),
            Self::InvalidHost => f.write_str("invalid Host value"),
            Self::MissingUpgrade => f.write_str("missing Upgrade: websocket"),
            Self::UpgradeNotWebSocket => f.write_str("Upgrade does not contain websocket"),
            Self::MissingConnection => f.write_str("missing Connection: Upgrade"),
            Self::ConnectionNotUpgrade => f.write_str("Connection does not contain Upgrade"),
            Self::MissingKey => f.write_str("missing Sec-WebSocket-Key"),
            Self::DuplicateKey => f.write_str("more than one Sec-WebSocket-Key"),
            Self::InvalidKey(error) => write!(f, "{error}"),
            Self::MissingVersion => f.write_str("missing Sec-WebSocket-Version, expected 13"),
            Self::UnsupportedVersion { version } => {
                write!(
                    f,
                    "Sec-WebSocket-Version {version} not supported, expected 13"
                )
            }
            Self::InvalidVersion => {
                f.write_str("Sec-WebSocket-Version is not a number from 0 to 255")
            }
            Self::DuplicateVersion => f.write_str("more than one Sec-WebSocket-Version"),
            Self::UnexpectedBody => {
                f.write_str("a handshake has no body (Content-Length or Transfer-Encoding)")
            }
            Self::InvalidContentLength => f.write_str("invalid Content-Length"),
            Self::InvalidProtocol => {
                f.write_str("Sec-WebSocket-Protocol is not a comma-separated list of tokens")
            }
            Self::InvalidExtensions => {
                f.write_str("malformed Sec-WebSocket-Extensions (RFC 6455 section 9.1)")
            }
            Self::DuplicateOrigin => f.write_str("more than one Origin"),
            Self::OriginForbidden { origin } => write!(f, "origin {origin} not allowed"),
            Self::HostNotAllowed { host } => write!(f, "host {host} is not served here"),
            Self::NoCommonProtocol => f.write_str("none of the offered subprotocols is supported"),
            Self::NotSwitchingProtocols {
                status,
                reason,
                location,
            } => crate::client::response::describe_status(
                f,
                *status,
                reason.as_bytes(),
                location.as_deref().map(str::as_bytes),
            ),
            Self::MissingAccept => f.write_str("missing Sec-WebSocket-Accept"),
            Self::DuplicateAccept => f.write_str("more than one Sec-WebSocket-Accept"),
            Self::AcceptMismatch => f.write_str("Sec-WebSocket-Accept does not match the key sent"),
            Self::ProtocolNotChosen => {
                f.write_str("server chose no subprotocol although some were offered")
            }
            Self::DuplicateProtocol => f.write_str("more than one Sec-WebSocket-Protocol"),
            Self::ProtocolNotOffered => {
                f.write_str("server chose a subprotocol that was not offered")
            }
            Self::ExtensionNotOffered => {
                f.write_str("server chose an extension that was not offered")
            }
            Self::ConflictingExtensions => {
                f.write_str("more than one extension using the RSV1 bit")
            }
            Self::InvalidDeflate(error) => write!(f, "invalid permessage-deflate: {error}"),
        }
    }
}

impl core::error::Error for Error {}

impl From<KeyError> for Error {
    fn from(error: KeyError) -> Self {
        Self::InvalidKey(error)
    }
}
