//! Connect to `ws://` and `wss://` URLs the way a production client must: DNS with every
//! address tried, TCP with `TCP_NODELAY`, an optional HTTP proxy through `CONNECT`, TLS
//! with rustls and SNI, redirects when enabled, timeouts on every stage, then the
//! [`wshake_tokio`] handshake. What you get back is a stream for any framing library.
//!
//! ```no_run
//! # async fn run() -> Result<(), wshake_client::Error> {
//! // The one-liner.
//! let (connection, stream) = wshake_client::connect("wss://echo.example/chat").await?;
//! println!("subprotocol: {:?}", connection.protocol);
//!
//! // Everything else goes through the builder.
//! let client = wshake_client::Client::builder()
//!     .protocol("chat.v2")
//!     .origin("https://app.example")
//!     .header("Authorization", "Bearer token")
//!     .follow_redirects(3)
//!     .connect_timeout(std::time::Duration::from_secs(5))
//!     .build()?;
//! // Hand `stream` to a framing library: see `wshake_tokio::handoff`.
//! let (connection, stream) = client.connect("ws://127.0.0.1:9001/").await?;
//! # Ok(())
//! # }
//! ```
//!
//! # Features
//! - `webpki-roots` (default): trust the Mozilla roots bundled by `webpki-roots`.
//! - `native-roots`: trust the operating system's store through `rustls-native-certs`.
//!
//! No OpenSSL: TLS is rustls with the `ring` provider.

mod builder;
mod client_auth;
mod connector;
mod credentials;
mod error;
mod http2;
mod stream;
mod transport;

use std::sync::Arc;
use std::time::Duration;

pub use builder::ClientBuilder;
pub use client_auth::with_client_certificate;
pub use connector::Connector;
pub use error::{Error, ErrorKind};
pub use http2::Http2;
pub use stream::{ClientStream, MaybeTlsStream};
pub use transport::default_tls_config;
pub use wshake_hyper;
/// The layers below, re-exported.
pub use wshake_tokio;
use wshake_tokio::Options;
pub use wshake_tokio::wshake_proto;
use wshake_tokio::wshake_proto::client::{ClientConfig, OwnedOutcome, Target};
use wshake_tokio::wshake_proto::extensions::DeflateParams;
use wshake_tokio::wshake_proto::{Key, LocalError};

use transport::Proxy;

/// What a successful connection settled.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connection {
    /// The URL finally connected to (after redirects).
    pub url: String,
    /// Each redirect followed, in order.
    pub redirects: Vec<String>,
    /// The subprotocol the server chose.
    pub protocol: Option<String>,
    /// The negotiated permessage-deflate parameters.
    pub deflate: Option<DeflateParams>,
    /// The request as sent (over HTTP/2, its pseudo-headers and headers as text).
    pub request: Vec<u8>,
    /// The 101 as received (over HTTP/2, the 200; read it through `view()`).
    pub response: OwnedOutcome,
    /// Whether the WebSocket is an HTTP/2 stream (RFC 8441), not an HTTP/1.1 upgrade.
    pub http2: bool,
}

/// How a client reaches servers: timeouts, proxy, redirects, TCP options.
#[derive(Clone, Debug)]
struct Transport {
    connect_timeout: Duration,
    handshake_timeout: Duration,
    nodelay: bool,
    proxy: Option<String>,
    proxy_from_env: bool,
    max_redirects: usize,
    http2: Http2,
}

impl Default for Transport {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            handshake_timeout: Duration::from_secs(10),
            nodelay: true,
            proxy: None,
            proxy_from_env: false,
            max_redirects: 0,
            http2: Http2::Never,
        }
    }
}

#[derive(Debug)]
struct Inner {
    config: Arc<ClientConfig>,
    transport: Transport,
    tls: Arc<rustls::ClientConfig>,
    /// `tls` offering `h2` then `http/1.1` in ALPN, and `http/1.1` alone (for the new
    /// connection after a server's HTTP/2 without extended CONNECT).
    tls_h2: Arc<rustls::ClientConfig>,
    tls_h1: Arc<rustls::ClientConfig>,
    connector: Connector,
    http2: http2::Pool,
    /// Header names (lower case) a redirect to another origin drops, besides
    /// [`credentials::ALWAYS_SENSITIVE`].
    sensitive: Vec<String>,
}

/// A configured client; cheap to clone, safe to share.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

/// Shows no option that may hold a secret (headers, tokens, the proxy's credentials).
impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("protocols", &self.inner.config.protocols())
            .field("http2", &self.inner.transport.http2)
            .field("max_redirects", &self.inner.transport.max_redirects)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts a builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Connects and performs the handshake. Credentials in the URL (`ws://user:pass@host/`)
    /// are sent as `Authorization: Basic` and kept out of [`Connection::url`]. A redirect
    /// to another origin (scheme, host or port) carries no credentials on: neither the
    /// URL's nor the `Authorization`, `Cookie` or [sensitive](ClientBuilder::sensitive_header)
    /// headers, nor a [protocol token](ClientBuilder::protocol_token); a redirect within
    /// the origin keeps them.
    pub async fn connect(&self, url: &str) -> Result<(Connection, ClientStream), Error> {
        let mut first =
            url::Url::parse(url).map_err(|_| Error::InvalidUrl(LocalError::InvalidUrl))?;
        let authorization = credentials::basic(&first);
        credentials::strip(&mut first);
        let with_credentials = match &authorization {
            None => Arc::clone(&self.inner.config),
            Some(value) => {
                let config = &self.inner.config;
                if config
                    .headers()
                    .any(|(name, _)| name.eq_ignore_ascii_case("authorization"))
                {
                    return Err(Error::DuplicateCredentials);
                }
                let config = (**config).clone().header("Authorization", value);
                Arc::new(config.map_err(Error::InvalidOption)?)
            }
        };
        let mut without_credentials = None;
        let max_redirects = self.inner.transport.max_redirects;
        // The URL as given, unless credentials had to come out of it.
        let mut url = match authorization {
            Some(_) => first.to_string(),
            None => url.to_string(),
        };
        let mut redirects = Vec::new();
        loop {
            let config = match url::Url::parse(&url) {
                Ok(hop) if credentials::same_origin(&first, &hop) => &with_credentials,
                _ => without_credentials.get_or_insert_with(|| self.without_credentials()),
            };
            match self.connect_once(&url, config).await {
                Err(Error::Refused(refusal)) if max_redirects > 0 => {
                    let response = refusal.response();
                    let location = response.headers().get("location");
                    let (301 | 302 | 303 | 307 | 308, Some(location)) =
                        (response.status(), location)
                    else {
                        return Err(Error::Refused(refusal));
                    };
                    if redirects.len() >= max_redirects {
                        return Err(Error::TooManyRedirects {
                            limit: max_redirects,
                        });
                    }
                    let next = redirect_target(&url, &String::from_utf8_lossy(location))?;
                    redirects.push(next.clone());
                    url = next;
                }
                Err(error) => return Err(error),
                Ok((mut connection, stream)) => {
                    connection.redirects = redirects;
                    return Ok((connection, stream));
                }
            }
        }
    }

    /// The offer without the headers that carry credentials, for another origin.
    fn without_credentials(&self) -> Arc<ClientConfig> {
        let sensitive = |name: &str| {
            credentials::ALWAYS_SENSITIVE
                .iter()
                .any(|s| name.eq_ignore_ascii_case(s))
                || self
                    .inner
                    .sensitive
                    .iter()
                    .any(|s| name.eq_ignore_ascii_case(s))
        };
        Arc::new(
            (*self.inner.config)
                .clone()
                .retain_headers(|name, _| !sensitive(name))
                .without_protocol_tokens(),
        )
    }

    async fn connect_once(
        &self,
        url: &str,
        config: &Arc<ClientConfig>,
    ) -> Result<(Connection, ClientStream), Error> {
        let target = Target::from_url(url).map_err(Error::InvalidUrl)?;
        let mode = self.inner.transport.http2;
        let mut tls = Arc::clone(&self.inner.tls);
        if mode == Http2::Require || (mode == Http2::Prefer && target.is_secure()) {
            match self.connect_http2(url, &target, config).await? {
                Via::Http2(opened) => return Ok(*opened),
                // ALPN chose HTTP/1.1: the WebSocket goes on that connection.
                Via::Http1(stream, _permit) => {
                    return self.handshake(url, target, stream, config).await;
                }
                // The server's HTTP/2 has no extended CONNECT: a new connection that
                // offers HTTP/1.1 alone.
                Via::Fallback => tls = Arc::clone(&self.inner.tls_h1),
            }
        }
        // C2: hold the CONNECTING slot for host:port until the handshake is over.
        let _permit = self
            .inner
            .connector
            .permit(target.host(), target.port())
            .await;
        let stream = self.connect_transport(&target, tls).await?;
        self.handshake(url, target, stream, config).await
    }

    /// DNS, TCP, the proxy and TLS, within the connect timeout.
    async fn connect_transport(
        &self,
        target: &Target,
        tls: Arc<rustls::ClientConfig>,
    ) -> Result<MaybeTlsStream, Error> {
        let (host, port, secure) = (target.host(), target.port(), target.is_secure());
        tokio::time::timeout(
            self.inner.transport.connect_timeout,
            self.transport(host, port, secure, tls),
        )
        .await
        .map_err(|_| Error::ConnectTimeout)?
    }

    /// The HTTP/1.1 handshake on `stream`.
    async fn handshake(
        &self,
        url: &str,
        target: Target,
        stream: MaybeTlsStream,
        config: &Arc<ClientConfig>,
    ) -> Result<(Connection, ClientStream), Error> {
        let options = Options::new().timeout(self.inner.transport.handshake_timeout);
        let key = Key::random().map_err(|e| Error::Io(std::io::Error::other(e.to_string())))?;
        let config = Arc::clone(config);
        let (connected, upgraded) =
            wshake_tokio::handshake(stream, config, target, key, &options).await?;
        Ok((
            Connection {
                url: url.to_string(),
                redirects: Vec::new(),
                protocol: connected.protocol,
                deflate: connected.deflate,
                request: connected.request,
                response: connected.response,
                http2: false,
            },
            ClientStream::Http1(upgraded),
        ))
    }

    /// A WebSocket over HTTP/2: on the connection kept for this server, or on a new one
    /// if the server offers HTTP/2 with extended CONNECT; else what the mode falls back to.
    async fn connect_http2(
        &self,
        url: &str,
        target: &Target,
        config: &Arc<ClientConfig>,
    ) -> Result<Via, Error> {
        let transport = &self.inner.transport;
        if let Some(connection) = self.inner.http2.get(target) {
            match self.open(url, target, &connection, config).await {
                // A connection that went away since: a new one below.
                Err(Error::Http2(wshake_hyper::Error::Http2(_))) => self.inner.http2.remove(target),
                opened => return opened,
            }
        }
        let permit = self
            .inner
            .connector
            .permit(target.host(), target.port())
            .await;
        let stream = self
            .connect_transport(target, Arc::clone(&self.inner.tls_h2))
            .await?;
        let h2 = match &stream {
            MaybeTlsStream::Tls(tls) => tls.get_ref().1.alpn_protocol() == Some(b"h2"),
            // Cleartext: prior knowledge, only when HTTP/2 is required.
            MaybeTlsStream::Plain(_) => true,
        };
        if !h2 {
            return match transport.http2 {
                Http2::Require => Err(Error::Http2NotNegotiated),
                _ => Ok(Via::Http1(stream, permit)),
            };
        }
        let connection = tokio::time::timeout(
            transport.handshake_timeout,
            wshake_hyper::Http2Connection::handshake(stream, target.is_secure()),
        )
        .await
        .map_err(|_| Error::Handshake(wshake_tokio::Error::Timeout))?
        .map_err(Error::Http2)?;
        if !connection.extended_connect() {
            return match transport.http2 {
                Http2::Require => Err(Error::Http2(wshake_hyper::Error::ExtendedConnectDisabled)),
                _ => Ok(Via::Fallback),
            };
        }
        self.inner.http2.insert(target, connection.clone());
        self.open(url, target, &connection, config).await
    }

    /// One extended CONNECT on `connection`, within the handshake timeout.
    async fn open(
        &self,
        url: &str,
        target: &Target,
        connection: &wshake_hyper::Http2Connection,
        config: &Arc<ClientConfig>,
    ) -> Result<Via, Error> {
        let config = Arc::clone(config);
        let request = http2::request_text(&config, target, target.is_secure())
            .map_err(Error::InvalidOption)?;
        let (stream, outcome) = tokio::time::timeout(
            self.inner.transport.handshake_timeout,
            connection.open(config, target.clone()),
        )
        .await
        .map_err(|_| Error::Handshake(wshake_tokio::Error::Timeout))?
        .map_err(Error::Http2)?;
        let view = outcome.view();
        let connection = Connection {
            url: url.to_string(),
            redirects: Vec::new(),
            protocol: view.protocol().map(str::to_string),
            deflate: view.deflate(),
            request,
            response: outcome,
            http2: true,
        };
        Ok(Via::Http2(Box::new((
            connection,
            ClientStream::Http2(stream),
        ))))
    }

    async fn transport(
        &self,
        host: &str,
        port: u16,
        secure: bool,
        tls: Arc<rustls::ClientConfig>,
    ) -> Result<MaybeTlsStream, Error> {
        let transport = &self.inner.transport;
        let proxy = match &transport.proxy {
            Some(proxy) => Some(proxy.clone()),
            None if transport.proxy_from_env => {
                transport::proxy_from_env(secure, host, |name| std::env::var(name).ok())
            }
            None => None,
        };
        let tcp = match proxy {
            Some(proxy) => {
                Proxy::parse(&proxy)?
                    .connect(host, port, transport.nodelay)
                    .await?
            }
            None => transport::tcp(host, port, transport.nodelay).await?,
        };
        if secure {
            transport::tls(tcp, host, tls).await
        } else {
            Ok(MaybeTlsStream::Plain(tcp))
        }
    }
}

/// How an HTTP/2 attempt ended.
enum Via {
    /// The WebSocket, over HTTP/2.
    Http2(Box<(Connection, ClientStream)>),
    /// ALPN chose HTTP/1.1: the stream, for the HTTP/1.1 handshake (still holding the
    /// connecting slot).
    Http1(MaybeTlsStream, tokio::sync::OwnedMutexGuard<()>),
    /// HTTP/2 without extended CONNECT: HTTP/1.1 on a new connection.
    Fallback,
}

/// Where a redirect leads, as a `ws`/`wss` URL; `wss` → `ws` is refused, and a
/// `Location` that is no usable WebSocket URL is the server's fault.
fn redirect_target(current: &str, location: &str) -> Result<String, Error> {
    let unusable = || Error::InvalidRedirect {
        location: location.to_string(),
    };
    // `current` was connected to, so it parses.
    let base = url::Url::parse(current).map_err(|_| Error::InvalidUrl(LocalError::InvalidUrl))?;
    let mut next = base.join(location).map_err(|_| unusable())?;
    let scheme = match next.scheme() {
        "http" | "ws" => "ws",
        "https" | "wss" => "wss",
        _ => return Err(unusable()),
    };
    if base.scheme() == "wss" && scheme == "ws" {
        return Err(Error::InsecureRedirect {
            location: location.to_string(),
        });
    }
    if next.scheme() != scheme {
        // http(s) → ws(s): all four are special schemes, so this cannot fail.
        let _ = next.set_scheme(scheme);
    }
    let next = next.to_string();
    // Credentials or a fragment in the new URL: refused as the server's, not the caller's.
    Target::from_url(&next).map_err(|_| unusable())?;
    Ok(next)
}

/// `docs/recipes.md`, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/recipes.md")]
struct Recipes;

/// Connects with default options, through a process-wide [`Connector`] so that
/// concurrent calls to one host:port do not handshake at the same time (C2).
pub async fn connect(url: &str) -> Result<(Connection, ClientStream), Error> {
    static DEFAULT: std::sync::OnceLock<Option<Client>> = std::sync::OnceLock::new();
    // The only way the default build fails is having no root certificates.
    let client = DEFAULT.get_or_init(|| {
        Client::builder()
            .connector(connector::global().clone())
            .build()
            .ok()
    });
    match client {
        Some(client) => client.connect(url).await,
        None => Err(Error::NoRootCertificates),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_map_schemes_and_refuse_downgrades() {
        assert_eq!(
            redirect_target("ws://a.test/x", "/y").unwrap(),
            "ws://a.test/y"
        );
        assert_eq!(
            redirect_target("ws://a.test/x", "https://b.test/z").unwrap(),
            "wss://b.test/z"
        );
        assert_eq!(
            redirect_target("wss://a.test/x", "wss://b.test/").unwrap(),
            "wss://b.test/"
        );
        assert!(matches!(
            redirect_target("wss://a.test/x", "http://b.test/"),
            Err(Error::InsecureRedirect { .. })
        ));
        assert!(matches!(
            redirect_target("wss://a.test/x", "ws://b.test/"),
            Err(Error::InsecureRedirect { .. })
        ));
        for unusable in [
            "ftp://b.test/",
            "ws://user:pass@b.test/",
            "/next#part",
            "http://[::1",
        ] {
            let error = redirect_target("ws://a.test/x", unusable).unwrap_err();
            assert!(
                matches!(&error, Error::InvalidRedirect { location } if location == unusable),
                "{unusable}: {error:?}"
            );
            assert_eq!(error.kind(), ErrorKind::Redirect);
        }
    }

    #[test]
    fn build_checks_options() {
        assert!(matches!(
            Client::builder().protocol("a b").build(),
            Err(Error::InvalidOption(LocalError::InvalidProtocol))
        ));
        assert!(matches!(
            Client::builder().header("Host", "x").build(),
            Err(Error::InvalidOption(LocalError::ReservedHeader))
        ));
        // The first invalid option is the one reported.
        let error = Client::builder()
            .protocol("chat")
            .origin("")
            .protocol("a b")
            .build()
            .unwrap_err();
        assert!(matches!(
            error,
            Error::InvalidOption(LocalError::InvalidOrigin)
        ));
        assert_eq!(error.kind(), ErrorKind::InvalidOption);
        assert!(
            error.to_string().starts_with("invalid client option: "),
            "{error}"
        );
        assert!(matches!(
            Client::builder().proxy("socks5://x").build(),
            Err(Error::ProxyProtocol(_))
        ));
        assert!(Client::builder().protocol("chat").build().is_ok());
    }
}

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
