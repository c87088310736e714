//! Why a connection attempt failed, with what a user needs to act on it.

use std::net::SocketAddr;
use std::{fmt, io};

use wshake_tokio::wshake_proto::{self, LocalError, client::OwnedRefusal};

/// A failed `connect` or `build`: which stage failed and the context to act on it. For
/// the common decisions, match on [`kind`](Self::kind).
#[non_exhaustive]
#[derive(Debug)]
pub enum Error {
    /// The URL is not a usable `ws://` or `wss://` URL.
    InvalidUrl(LocalError),
    /// A builder option is invalid (a subprotocol that is not a token, a reserved header…).
    InvalidOption(LocalError),
    /// No root certificates to verify `wss://` servers with: enable the `webpki-roots` or
    /// `native-roots` feature, or give a [`tls_config`](crate::ClientBuilder::tls_config).
    NoRootCertificates,
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
    /// The server answered something other than 101: its status, headers and (up to
    /// 64 KiB of) body. A 3xx carries `Location` when redirects are not followed.
    Refused(Box<OwnedRefusal>),
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
    /// A redirect whose `Location` is no usable `ws://`/`wss://` URL (another scheme,
    /// credentials, a fragment, not a URL): the server's fault.
    InvalidRedirect {
        /// The `Location` the server sent.
        location: String,
    },
    /// The client certificate or its key is unusable (a key that does not match the
    /// certificate, a format rustls does not read).
    ClientCertificate(String),
    /// Credentials both in the URL and in an `Authorization` header: which to send is
    /// ambiguous, so neither is.
    DuplicateCredentials,
    /// The WebSocket handshake failed (an invalid 101, a timeout, the peer closing).
    Handshake(wshake_tokio::Error),
    /// Reading or writing failed outside the handshake.
    Io(io::Error),
    /// HTTP/2 was required, and the server's TLS chose another protocol in ALPN (or none).
    Http2NotNegotiated,
    /// A WebSocket over HTTP/2 failed: the connection or the stream (h2), a server whose
    /// SETTINGS do not enable extended CONNECT, or an answer other than a valid 200
    /// (`wshake_hyper::Error::Handshake`, with
    /// [`NotSwitchingProtocols`](wshake_proto::Error::NotSwitchingProtocols) for a
    /// refusal).
    Http2(wshake_hyper::Error),
}

/// What kind of failure an [`Error`] is, flat, to match on without nesting.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// [`Error::InvalidUrl`].
    InvalidUrl,
    /// [`Error::InvalidOption`] or [`Error::NoRootCertificates`]: fix the client's setup.
    InvalidOption,
    /// [`Error::Dns`].
    Dns,
    /// [`Error::Connect`].
    Connect,
    /// [`Error::ConnectTimeout`].
    ConnectTimeout,
    /// [`Error::Proxy`] or [`Error::ProxyProtocol`].
    Proxy,
    /// [`Error::Tls`].
    Tls,
    /// [`Error::Refused`]: the server answered, but not 101.
    Refused,
    /// [`Error::TooManyRedirects`], [`Error::InsecureRedirect`] or
    /// [`Error::InvalidRedirect`].
    Redirect,
    /// The server's 101 broke the protocol (a wrong accept value, a subprotocol not
    /// offered…): [`Error::Handshake`] with a `wshake_proto::Error`.
    InvalidResponse,
    /// The handshake did not finish in time.
    HandshakeTimeout,
    /// The server closed the connection before answering.
    Closed,
    /// An I/O error.
    Io,
    /// HTTP/2 could not carry the WebSocket: not negotiated, extended CONNECT not enabled,
    /// the connection or stream failed.
    Http2,
}

impl Error {
    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidUrl(_) | Self::DuplicateCredentials => ErrorKind::InvalidUrl,
            Self::InvalidOption(_) | Self::NoRootCertificates | Self::ClientCertificate(_) => {
                ErrorKind::InvalidOption
            }
            Self::Dns { .. } => ErrorKind::Dns,
            Self::Connect { .. } => ErrorKind::Connect,
            Self::ConnectTimeout => ErrorKind::ConnectTimeout,
            Self::Proxy { .. } | Self::ProxyProtocol(_) => ErrorKind::Proxy,
            Self::Tls(_) => ErrorKind::Tls,
            Self::Refused(_)
            | Self::Http2(wshake_hyper::Error::Handshake(
                wshake_proto::Error::NotSwitchingProtocols { .. },
            )) => ErrorKind::Refused,
            Self::TooManyRedirects { .. }
            | Self::InsecureRedirect { .. }
            | Self::InvalidRedirect { .. } => ErrorKind::Redirect,
            Self::Handshake(wshake_tokio::Error::Timeout) => ErrorKind::HandshakeTimeout,
            Self::Handshake(wshake_tokio::Error::Closed) => ErrorKind::Closed,
            Self::Handshake(wshake_tokio::Error::Io(_)) | Self::Io(_) => ErrorKind::Io,
            Self::Handshake(_) | Self::Http2(wshake_hyper::Error::Handshake(_)) => {
                ErrorKind::InvalidResponse
            }
            Self::Http2NotNegotiated | Self::Http2(_) => ErrorKind::Http2,
        }
    }

    /// The server's answer, if it refused the handshake.
    pub fn refusal(&self) -> Option<&OwnedRefusal> {
        match self {
            Self::Refused(refusal) => Some(refusal),
            _ => None,
        }
    }

    /// What the server's 101 got wrong, if that is why the handshake failed.
    pub fn handshake(&self) -> Option<&wshake_proto::Error> {
        match self {
            Self::Handshake(error) => error.handshake(),
            Self::Http2(wshake_hyper::Error::Handshake(error)) => Some(error),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidUrl(error) => write!(f, "invalid URL: {error}"),
            Self::InvalidOption(error) => write!(f, "invalid client option: {error}"),
            Self::NoRootCertificates => f.write_str(
                "no root certificates for wss:// (enable webpki-roots or native-roots, or set tls_config)",
            ),
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
            Self::ClientCertificate(why) => write!(f, "unusable client certificate: {why}"),
            Self::DuplicateCredentials => f.write_str(
                "credentials both in the URL and in an Authorization header: give one",
            ),
            Self::Proxy { status, reason } => {
                write!(f, "proxy refused CONNECT with {status} {reason}")
            }
            Self::ProxyProtocol(what) => write!(f, "proxy error: {what}"),
            Self::Tls(error) => match certificate_problem(error) {
                Some(problem) => write!(f, "TLS handshake failed: {problem} ({error})"),
                None => write!(f, "TLS handshake failed: {error}"),
            },
            Self::Refused(refusal) => write!(f, "{refusal}"),
            Self::TooManyRedirects { limit } => write!(f, "more than {limit} redirects"),
            Self::InsecureRedirect { location } => {
                write!(f, "refused redirect from wss:// to {location}")
            }
            Self::InvalidRedirect { location } => {
                write!(f, "server redirected to an unusable URL: {location}")
            }
            Self::Handshake(error) => write!(f, "handshake failed: {error}"),
            Self::Io(error) => write!(f, "I/O error: {error}"),
            Self::Http2NotNegotiated => {
                f.write_str("HTTP/2 required, but the server did not choose h2 in ALPN")
            }
            Self::Http2(error) => write!(f, "WebSocket over HTTP/2 failed: {error}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::InvalidUrl(error) | Self::InvalidOption(error) => Some(error),
            Self::Dns { source, .. } => Some(source),
            Self::Tls(error) | Self::Io(error) => Some(error),
            Self::Handshake(error) => Some(error),
            Self::Http2(error) => Some(error),
            _ => None,
        }
    }
}

impl From<wshake_tokio::Error> for Error {
    fn from(error: wshake_tokio::Error) -> Self {
        match error {
            wshake_tokio::Error::Refused(refusal) => Self::Refused(refusal),
            other => Self::Handshake(other),
        }
    }
}

/// What is wrong with the server's certificate, in plain words, when that is why TLS
/// failed.
fn certificate_problem(error: &io::Error) -> Option<String> {
    use rustls::CertificateError;
    let rustls::Error::InvalidCertificate(certificate) =
        error.get_ref()?.downcast_ref::<rustls::Error>()?
    else {
        return None;
    };
    Some(match certificate {
        CertificateError::UnknownIssuer => {
            "the certificate's issuer is not trusted (self-signed, or signed by a CA this \
             client does not trust)"
                .to_string()
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            "the certificate is not valid for the host connected to".into()
        }
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            "the certificate has expired".into()
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            "the certificate is not valid yet".into()
        }
        CertificateError::Revoked => "the certificate was revoked".into(),
        CertificateError::BadSignature => "the certificate's signature is invalid".into(),
        other => format!("the certificate is unusable: {other:?}"),
    })
}
