//! The client role over `hyper::client::conn::http1`: hyper writes the request and reads
//! the response, wshake builds the one and verifies the other.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Empty;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use wshake_proto::client::{ClientConfig, ClientHandshake, OwnedOutcome, Target};
use wshake_proto::{Key, LocalError};

use crate::Upgraded;
use crate::upgraded::Agreed;

/// Why a client handshake failed.
#[non_exhaustive]
#[derive(Debug)]
pub enum Error {
    /// hyper failed: I/O, or a response that is not HTTP/1.1.
    Hyper(hyper::Error),
    /// The server's response broke the handshake (C11), or was not a 101
    /// ([`wshake_proto::Error::NotSwitchingProtocols`]).
    Handshake(wshake_proto::Error),
    /// The request could not be built from this config and target.
    Local(LocalError),
    /// HTTP/2 failed: I/O, the connection or the stream reset, or a server that does not
    /// speak HTTP/2.
    Http2(h2::Error),
    /// The server's HTTP/2 SETTINGS did not enable extended CONNECT (RFC 8441 §3): it
    /// serves no WebSocket over HTTP/2 (try HTTP/1.1 on a new connection).
    ExtendedConnectDisabled,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Hyper(error) => write!(f, "HTTP: {error}"),
            Self::Handshake(error) => write!(f, "handshake: {error}"),
            Self::Local(error) => write!(f, "request: {error}"),
            Self::Http2(error) => write!(f, "HTTP/2: {error}"),
            Self::ExtendedConnectDisabled => f.write_str(
                "the server's HTTP/2 SETTINGS do not enable extended CONNECT (RFC 8441): \
                 no WebSocket over HTTP/2 there",
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Hyper(error) => Some(error),
            Self::Handshake(error) => Some(error),
            Self::Local(error) => Some(error),
            Self::Http2(error) => Some(error),
            Self::ExtendedConnectDisabled => None,
        }
    }
}

impl From<hyper::Error> for Error {
    fn from(error: hyper::Error) -> Self {
        Self::Hyper(error)
    }
}

/// Opens a WebSocket over `io` (a connected TCP or TLS stream) with hyper's HTTP/1.1
/// client: the request from `config`, `target` and `key`, the response verified (C11),
/// then the upgraded connection with the verified outcome.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use wshake_hyper::wshake_proto::client::{ClientConfig, Target};
/// use wshake_hyper::wshake_proto::Key;
///
/// let tcp = tokio::net::TcpStream::connect("127.0.0.1:9001").await?;
/// let target = Target::new("127.0.0.1:9001", "/chat")?;
/// let config = ClientConfig::new().protocol("chat")?;
/// let key = Key::random().map_err(|e| e.to_string())?; // a fresh key per connection (C7)
/// let (upgraded, outcome) = wshake_hyper::connect(tcp, config, target, key).await?;
/// assert_eq!(outcome.view().protocol(), Some("chat"));
/// # drop(upgraded);
/// # Ok(())
/// # }
/// ```
pub async fn connect<IO>(
    io: IO,
    config: impl Into<Arc<ClientConfig>>,
    target: Target,
    key: Key,
) -> Result<(Upgraded, OwnedOutcome), Error>
where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut handshake = ClientHandshake::new(config, target, key);
    let request = handshake
        .http_request()
        .map_err(Error::Local)?
        .map(|()| Empty::<Bytes>::new());
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(io)).await?;
    let mut connection = connection.with_upgrades();
    // The connection is driven here until the upgrade, not spawned: no runtime is
    // assumed, and nothing outlives a failed handshake. With upgrades, it ends once it
    // has delivered the 101 and handed the socket over.
    let response = sender.send_request(request);
    tokio::pin!(response);
    let mut connection_ended = false;
    let response = tokio::select! {
        biased;
        response = &mut response => response?,
        ended = &mut connection => {
            ended?;
            connection_ended = true;
            // Delivered before the connection ended, or an error saying it never came.
            response.await?
        }
    };
    let (parts, body) = response.into_parts();
    let outcome = handshake
        .verify_response(&parts)
        .map_err(Error::Handshake)?
        .into_owned();
    let mut response = http::Response::from_parts(parts, body);
    let on_upgrade = hyper::upgrade::on(&mut response);
    let upgraded = if connection_ended {
        on_upgrade.await?
    } else {
        let (ended, upgraded) = tokio::join!(connection, on_upgrade);
        ended?;
        upgraded?
    };
    let outcome_view = outcome.view();
    let upgraded = Upgraded::new(
        upgraded,
        Agreed::boxed(
            outcome_view.protocol().map(str::to_string),
            outcome_view.deflate(),
        ),
    );
    Ok((upgraded, outcome))
}
