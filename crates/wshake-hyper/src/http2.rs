//! The client role over HTTP/2 (RFC 8441): WebSockets as extended CONNECT streams of one
//! connection. The h2 crate is used directly (hyper's own HTTP/2 client sits on it) for
//! what hyper does not expose: a PING after which the server's SETTINGS are known, so
//! that an extended CONNECT is sent only to a server that enabled it (E30).

use std::sync::Arc;

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncWrite};
use wshake_proto::Key;
use wshake_proto::client::{ClientConfig, ClientHandshake, OwnedOutcome, Target};

use crate::{Error, Http2Stream};

/// An HTTP/2 connection to a server, for WebSockets over it: each
/// [`open`](Self::open) is one extended CONNECT stream, and several share the connection.
/// Cheap to clone (the clones share it).
///
/// ```no_run
/// # async fn run(tls_stream: tokio::net::TcpStream) -> Result<(), wshake_hyper::Error> {
/// use wshake_hyper::Http2Connection;
/// use wshake_hyper::wshake_proto::client::{ClientConfig, Target};
///
/// // A TLS stream whose ALPN chose `h2` (or cleartext HTTP/2 with prior knowledge).
/// let connection = Http2Connection::handshake(tls_stream, true).await?;
/// let target = Target::new("example.com", "/chat").expect("valid target");
/// let (stream, outcome) = connection.open(ClientConfig::new(), target.clone()).await?;
/// let (other, _) = connection.open(ClientConfig::new(), target).await?; // same connection
/// # drop((stream, other, outcome));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Http2Connection {
    send: h2::client::SendRequest<Bytes>,
    tls: bool,
    extended_connect: bool,
}

impl Http2Connection {
    /// Starts HTTP/2 over `io` (a TLS stream whose ALPN chose `h2` when `tls`, else
    /// cleartext with prior knowledge), spawns the connection's task on the current tokio
    /// runtime, and learns the server's SETTINGS: a PING is answered only after the
    /// server's preface, whose SETTINGS come first (RFC 9113 §3.4, §6.7), so once it is,
    /// [`extended_connect`](Self::extended_connect) says what the server enabled. Wrap it
    /// in a timeout: a server that never answers keeps it waiting.
    ///
    /// # Panics
    /// Outside a tokio runtime (the connection's task is spawned on it).
    pub async fn handshake<IO>(io: IO, tls: bool) -> Result<Self, Error>
    where
        IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let (send, mut connection) = h2::client::handshake(io).await.map_err(Error::Http2)?;
        let mut ping = connection
            .ping_pong()
            .expect("a new connection's ping_pong is not taken yet");
        tokio::spawn(async move {
            // Ends when the connection closes; its errors reach every stream's operations.
            let _ = connection.await;
        });
        ping.ping(h2::Ping::opaque()).await.map_err(Error::Http2)?;
        let extended_connect = send.is_extended_connect_protocol_enabled();
        Ok(Self {
            send,
            tls,
            extended_connect,
        })
    }

    /// Whether the server's SETTINGS enabled extended CONNECT
    /// (`SETTINGS_ENABLE_CONNECT_PROTOCOL` = 1): without it, no WebSocket can be opened
    /// over this connection.
    pub fn extended_connect(&self) -> bool {
        self.extended_connect
    }

    /// Opens a WebSocket as an extended CONNECT stream: the request from `config` and
    /// `target` (`:scheme` `https` over TLS), the 200 verified with the HTTP/1.1 path's
    /// rules (subprotocol and extensions, E36), then the stream for a framing library
    /// (client role) with the verified outcome. [`Error::ExtendedConnectDisabled`] when
    /// the server did not enable extended CONNECT: nothing is sent then.
    pub async fn open(
        &self,
        config: impl Into<Arc<ClientConfig>>,
        target: Target,
    ) -> Result<(Http2Stream, OwnedOutcome), Error> {
        if !self.extended_connect {
            return Err(Error::ExtendedConnectDisabled);
        }
        // RFC 8441 §5: no key over HTTP/2; the machine's is never sent.
        let mut handshake = ClientHandshake::new(config, target, Key::from_nonce([0; 16]));
        let mut request = handshake.http2_request(self.tls).map_err(Error::Local)?;
        request
            .extensions_mut()
            .insert(h2::ext::Protocol::from_static("websocket"));
        let mut send = self.send.clone().ready().await.map_err(Error::Http2)?;
        let (response, stream) = send.send_request(request, false).map_err(Error::Http2)?;
        let response = response.await.map_err(Error::Http2)?;
        let (parts, body) = response.into_parts();
        // A refusal drops both halves of the stream: h2 resets it.
        let outcome = handshake
            .verify_response(&parts)
            .map_err(Error::Handshake)?
            .into_owned();
        Ok((Http2Stream::new(stream, body), outcome))
    }
}
