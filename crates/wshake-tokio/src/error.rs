//! Why an async handshake failed.

use std::{fmt, io};

/// A failed handshake over a stream.
#[non_exhaustive]
#[derive(Debug)]
pub enum Error {
    /// Reading or writing the stream failed.
    Io(io::Error),
    /// The peer's handshake was invalid, or the application rejected it. For a server, the
    /// matching HTTP response has been written and the write side shut down.
    Handshake(wshake_proto::Error),
    /// The application rejected the request with this status (the response was sent).
    Rejected {
        /// The status sent.
        status: u16,
    },
    /// The handshake did not complete within the timeout. A server answered 408 if the
    /// socket still took writes.
    Timeout,
    /// The peer closed the connection before its handshake was complete.
    Closed,
    /// A plain HTTP GET (no `Upgrade`) was answered by the plain-HTTP handler of
    /// [`accept_or_plain`](crate::accept_or_plain).
    PlainHttp {
        /// The path requested.
        path: String,
    },
}

impl Error {
    /// The `wshake_proto` error, if the handshake itself was invalid.
    pub fn handshake(&self) -> Option<&wshake_proto::Error> {
        match self {
            Self::Handshake(error) => Some(error),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(error) => write!(f, "I/O error during handshake: {error}"),
            Self::Handshake(error) => write!(f, "{error}"),
            Self::Rejected { status } => write!(f, "handshake rejected with {status}"),
            Self::Timeout => f.write_str("handshake timed out"),
            Self::Closed => f.write_str("connection closed before the handshake completed"),
            Self::PlainHttp { path } => write!(f, "plain HTTP request for {path} answered"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io(error) => Some(error),
            Self::Handshake(error) => Some(error),
            _ => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(error: io::Error) -> Self {
        Self::Io(error)
    }
}

impl From<wshake_proto::Error> for Error {
    fn from(error: wshake_proto::Error) -> Self {
        Self::Handshake(error)
    }
}
