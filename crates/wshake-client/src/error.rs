//! Why a connection attempt failed, with what a user needs to act on it.

use std::net::SocketAddr;
use std::{fmt, io};

use wshake_tokio::wshake_proto;

/// A failed `connect`: which stage failed and the context to act on it.
#[non_exhaustive]
#[derive(Debug)]
pub enum Error {
    /// The URL is not a usable `ws://` or `wss://` URL, or an option is invalid.
    Url(wshake_proto::Error),
    /// Name resolution failed.
    Dns {
        /// The host looked up.
        host: String,
        /// The resolver's error.
        source: io::Error,
    },
    /// Every resolved address refused or failed; each attempt with its error.
    Connect {
        /// The host connected to.
        host: String,
        /// Each address tried, in order, and why it failed.
        attempts: Vec<(SocketAddr, io::Error)>,
    },
    /// Connecting (DNS, TCP, proxy, TLS) took longer than the connect timeout.
    ConnectTimeout,
    /// The proxy answered `CONNECT` with a non-2xx status.
    Proxy {
        /// The status the proxy answered.
        status: u16,
        /// Its reason phrase.
        reason: String,
    },
    /// The proxy's answer was not HTTP, or the proxy URL is unusable.
    ProxyProtocol(String),
    /// The TLS handshake failed (certificate, SNI, protocol).
    Tls(io::Error),
    /// The server answered something other than 101.
    Status {
        /// The status code.
        status: u16,
        /// The reason phrase.
        reason: String,
        /// The `Location` header (3xx), when redirects are not followed.
        location: Option<String>,
    },
    /// More redirects than allowed.
    TooManyRedirects {
        /// The limit.
        limit: usize,
    },
    /// A redirect from `wss://` to `ws://`: refused, it would drop TLS.
    InsecureRedirect {
        /// Where the server wanted to send the client.
        location: String,
    },
    /// The WebSocket handshake failed (a bad 101, a timeout, the peer closing).
    Handshake(wshake_tokio::Error),
    /// Reading or writing failed outside the handshake.
    Io(io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Url(error) => write!(f, "invalid URL or option: {error}"),
            Self::Dns { host, source } => write!(f, "could not resolve {host}: {source}"),
            Self::Connect { host, attempts } => {
                write!(f, "could not connect to {host}")?;
                if attempts.is_empty() {
                    return f.write_str(": no addresses");
                }
                for (i, (address, error)) in attempts.iter().enumerate() {
                    let separator = if i == 0 { ": " } else { "; " };
                    write!(f, "{separator}{address}: {error}")?;
                }
                Ok(())
            }
            Self::ConnectTimeout => f.write_str("connect timed out"),
            Self::Proxy { status, reason } => {
                write!(f, "proxy refused CONNECT with {status} {reason}")
            }
            Self::ProxyProtocol(what) => write!(f, "proxy error: {what}"),
            Self::Tls(error) => write!(f, "TLS handshake failed: {error}"),
            Self::Status {
                status,
                reason,
                location,
            } => {
                write!(f, "server answered {status} {reason}, expected 101")?;
                if let Some(location) = location {
                    write!(f, " (Location: {location})")?;
                }
                Ok(())
            }
            Self::TooManyRedirects { limit } => write!(f, "more than {limit} redirects"),
            Self::InsecureRedirect { location } => {
                write!(f, "refused redirect from wss:// to {location}")
            }
            Self::Handshake(error) => write!(f, "handshake failed: {error}"),
            Self::Io(error) => write!(f, "I/O error: {error}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Url(error) => Some(error),
            Self::Dns { source, .. } => Some(source),
            Self::Tls(error) | Self::Io(error) => Some(error),
            Self::Handshake(error) => Some(error),
            _ => None,
        }
    }
}

impl From<wshake_tokio::Error> for Error {
    fn from(error: wshake_tokio::Error) -> Self {
        match error {
            wshake_tokio::Error::Handshake(wshake_proto::Error::NotSwitchingProtocols {
                status,
                reason,
                location,
            }) => Self::Status {
                status,
                reason,
                location,
            },
            other => Self::Handshake(other),
        }
    }
}
