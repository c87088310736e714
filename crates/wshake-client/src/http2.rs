//! WebSockets over HTTP/2 (RFC 8441) for `Client`: ALPN `h2` under TLS (or prior
//! knowledge in cleartext when required), the server's SETTINGS read before any extended
//! CONNECT, one connection per host shared by every WebSocket to it, and the fallbacks
//! to HTTP/1.1 the configured mode allows.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Mutex;

use wshake_hyper::Http2Connection;
use wshake_tokio::wshake_proto::client::{ClientConfig, ClientHandshake, Target};
use wshake_tokio::wshake_proto::{Key, LocalError};

/// Whether a [`Client`](crate::Client) opens WebSockets over HTTP/2.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Http2 {
    /// HTTP/1.1 only (the default).
    #[default]
    Never,
    /// For `wss://`, HTTP/2 when the server offers it: ALPN `h2`, and SETTINGS enabling
    /// extended CONNECT. Otherwise HTTP/1.1: on the same TLS connection when ALPN chose
    /// `http/1.1`, on a new one (ALPN `http/1.1` only) when the server's HTTP/2 does not
    /// enable extended CONNECT. `ws://` stays HTTP/1.1 (cleartext has no negotiation).
    Prefer,
    /// HTTP/2 or an error ([`Error::Http2NotNegotiated`](crate::Error::Http2NotNegotiated),
    /// or [`wshake_hyper::Error::ExtendedConnectDisabled`] in
    /// [`Error::Http2`](crate::Error::Http2)); `ws://` with prior knowledge (h2c).
    Require,
}

/// The HTTP/2 connections a client keeps, one per host, port and scheme: every WebSocket
/// to a server shares one (several streams, one TCP and TLS connection).
#[derive(Debug, Default)]
pub(crate) struct Pool {
    connections: Mutex<HashMap<(String, u16, bool), Http2Connection>>,
}

impl Pool {
    fn key(target: &Target) -> (String, u16, bool) {
        (
            target.host().to_ascii_lowercase(),
            target.port(),
            target.is_secure(),
        )
    }

    pub(crate) fn get(&self, target: &Target) -> Option<Http2Connection> {
        self.lock().get(&Self::key(target)).cloned()
    }

    pub(crate) fn insert(&self, target: &Target, connection: Http2Connection) {
        self.lock().insert(Self::key(target), connection);
    }

    pub(crate) fn remove(&self, target: &Target) {
        self.lock().remove(&Self::key(target));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, u16, bool), Http2Connection>> {
        self.connections
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The extended CONNECT `Http2Connection::open` sends for `config` and `target`, as text
/// (pseudo-headers first, then the headers, as HTTP/2 orders them), for
/// [`Connection::request`](crate::Connection::request).
pub(crate) fn request_text(
    config: &std::sync::Arc<ClientConfig>,
    target: &Target,
    tls: bool,
) -> Result<Vec<u8>, LocalError> {
    // The same builder `open` uses; no key is sent over HTTP/2.
    let handshake = ClientHandshake::new(
        std::sync::Arc::clone(config),
        target.clone(),
        Key::from_nonce([0; 16]),
    );
    let request = handshake.http2_request(tls)?;
    let uri = request.uri();
    let mut text = String::new();
    let _ = write!(
        text,
        ":method: CONNECT\r\n:protocol: websocket\r\n:scheme: {}\r\n:authority: {}\r\n:path: {}\r\n",
        uri.scheme_str().unwrap_or_default(),
        uri.authority().map_or("", |a| a.as_str()),
        uri.path_and_query().map_or("/", |p| p.as_str()),
    );
    for (name, value) in request.headers() {
        let _ = write!(
            text,
            "{name}: {}\r\n",
            String::from_utf8_lossy(value.as_bytes())
        );
    }
    text.push_str("\r\n");
    Ok(text.into_bytes())
}
