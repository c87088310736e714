//! Why an async handshake failed.

use std::{fmt, io};

use wshake_proto::client::OwnedRefusal;

/// A failed handshake over a stream.
#[non_exhaustive]
#[derive(Debug)]
pub enum Error {
    /// Reading or writing the stream failed.
    Io(io::Error),
    /// What the peer sent was not a valid handshake. A server has written the matching
    /// HTTP response and shut the write side down.
    Handshake(wshake_proto::Error),
    /// The application's answer could not be sent (a subprotocol the client did not
    /// offer, a reserved header, a status outside 300–599…). A server has answered 500
    /// and shut the write side down.
    Local(wshake_proto::LocalError),
    /// The application rejected the request with this status (the response was sent).
    Rejected {
        /// The status sent.
        status: u16,
    },
    /// A client's request was answered with something other than 101: the status, the
    /// headers and (up to 64 KiB of) the body.
    Refused(Box<OwnedRefusal>),
    /// The handshake did not complete within the timeout. A server answered 408 if the
    /// socket still took writes.
    Timeout,
    /// The peer closed the connection before its handshake was complete.
    Closed,
}

impl Error {
    /// What the peer got wrong, if that is why the handshake failed.
    pub fn handshake(&self) -> Option<&wshake_proto::Error> {
        match self {
            Self::Handshake(error) => Some(error),
            _ => None,
        }
    }

    /// The server's answer, if it refused a client's handshake.
    pub fn refusal(&self) -> Option<&OwnedRefusal> {
        match self {
            Self::Refused(refusal) => Some(refusal),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(error) => write!(f, "I/O error during handshake: {error}"),
            Self::Handshake(error) => write!(f, "{error}"),
            Self::Local(error) => write!(f, "the application's answer cannot be sent: {error}"),
            Self::Rejected { status } => write!(f, "handshake rejected with {status}"),
            Self::Refused(refusal) => write!(f, "{refusal}"),
            Self::Timeout => f.write_str("handshake timed out"),
            Self::Closed => f.write_str("connection closed before the handshake completed"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io(error) => Some(error),
            Self::Handshake(error) => Some(error),
            Self::Local(error) => Some(error),
            _ => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(error: io::Error) -> Self {
        Self::Io(error)
    }
}
