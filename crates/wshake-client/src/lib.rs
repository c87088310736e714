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

mod connector;
mod error;
mod stream;
mod transport;

use std::sync::Arc;
use std::time::Duration;

pub use connector::Connector;
pub use error::Error;
pub use stream::MaybeTlsStream;
/// The layers below, re-exported.
pub use wshake_tokio;
pub use wshake_tokio::wshake_proto;
use wshake_tokio::wshake_proto::{ClientConfig, DeflateOffer, DeflateParams, Key, Limits};
use wshake_tokio::{Options, Upgraded};

use transport::Proxy;

/// The upgraded connection: hand it to a framing library.
pub type WebSocketStream = Upgraded<MaybeTlsStream>;

/// What a successful connection settled.
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
    /// The request as sent.
    pub request: Vec<u8>,
    /// The response head as received, headers indexed.
    pub response: wshake_tokio::OwnedHead,
}

/// Options for [`Client`]; every setter checks its input when [`build`](Self::build) runs.
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    protocols: Vec<String>,
    deflate: Vec<DeflateOffer>,
    extensions: Vec<String>,
    origin: Option<String>,
    headers: Vec<(String, String)>,
    connect_timeout: Duration,
    handshake_timeout: Duration,
    limits: Limits,
    nodelay: bool,
    tls: Option<Arc<rustls::ClientConfig>>,
    proxy: Option<String>,
    proxy_from_env: bool,
    max_redirects: usize,
    allow_missing_protocol: bool,
    connector: Option<Connector>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            protocols: Vec::new(),
            deflate: Vec::new(),
            extensions: Vec::new(),
            origin: None,
            headers: Vec::new(),
            connect_timeout: Duration::from_secs(10),
            handshake_timeout: Duration::from_secs(10),
            limits: Limits::DEFAULT,
            nodelay: true,
            tls: None,
            proxy: None,
            proxy_from_env: false,
            max_redirects: 0,
            allow_missing_protocol: false,
            connector: None,
        }
    }
}

impl ClientBuilder {
    /// Offers a subprotocol (in order of preference).
    #[must_use]
    pub fn protocol(mut self, protocol: &str) -> Self {
        self.protocols.push(protocol.to_string());
        self
    }

    /// Offers permessage-deflate with these parameters (several offers allowed).
    #[must_use]
    pub fn deflate(mut self, offer: DeflateOffer) -> Self {
        self.deflate.push(offer);
        self
    }

    /// Offers other extensions, as a `Sec-WebSocket-Extensions` value.
    #[must_use]
    pub fn extension(mut self, value: &str) -> Self {
        self.extensions.push(value.to_string());
        self
    }

    /// Sends this `Origin`.
    #[must_use]
    pub fn origin(mut self, origin: &str) -> Self {
        self.origin = Some(origin.to_string());
        self
    }

    /// Adds a request header.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Limits DNS, TCP, proxy and TLS together (default 10 s).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Limits the WebSocket handshake (default 10 s).
    #[must_use]
    pub fn handshake_timeout(mut self, timeout: Duration) -> Self {
        self.handshake_timeout = timeout;
        self
    }

    /// Limits on the response head.
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Sets `TCP_NODELAY` (default on: a handshake is small writes waiting on answers).
    #[must_use]
    pub fn nodelay(mut self, nodelay: bool) -> Self {
        self.nodelay = nodelay;
        self
    }

    /// A custom rustls config: private CAs, client certificates, ALPN.
    #[must_use]
    pub fn tls_config(mut self, config: Arc<rustls::ClientConfig>) -> Self {
        self.tls = Some(config);
        self
    }

    /// Connects through this HTTP proxy (`http://[user:password@]host:port`) with
    /// `CONNECT`; credentials are sent as Basic proxy authorization.
    #[must_use]
    pub fn proxy(mut self, url: &str) -> Self {
        self.proxy = Some(url.to_string());
        self
    }

    /// Reads `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` / `NO_PROXY` when no proxy is set.
    #[must_use]
    pub fn proxy_from_env(mut self, enabled: bool) -> Self {
        self.proxy_from_env = enabled;
        self
    }

    /// Follows up to `max` redirects (301, 302, 303, 307, 308), never from `wss` to `ws`,
    /// with a fresh key each time. Default: none, the error carries `Location`.
    #[must_use]
    pub fn follow_redirects(mut self, max: usize) -> Self {
        self.max_redirects = max;
        self
    }

    /// Accepts a server that picks no subprotocol although some were offered.
    #[must_use]
    pub fn allow_missing_protocol(mut self, allow: bool) -> Self {
        self.allow_missing_protocol = allow;
        self
    }

    /// Shares a [`Connector`] (C2) with other clients; by default each client has its own.
    #[must_use]
    pub fn connector(mut self, connector: Connector) -> Self {
        self.connector = Some(connector);
        self
    }

    /// Checks every option and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        // Apply the options once to a placeholder target so errors surface here.
        self.request_for(ClientConfig::new("localhost", "/").map_err(Error::Url)?)?;
        if let Some(proxy) = &self.proxy {
            Proxy::parse(proxy)?;
        }
        let tls = match self.tls.clone() {
            Some(tls) => tls,
            None => transport::default_tls()?,
        };
        let connector = self.connector.clone().unwrap_or_default();
        Ok(Client {
            inner: Arc::new(Inner {
                builder: self,
                tls,
                connector,
            }),
        })
    }

    fn request_for(&self, mut config: ClientConfig) -> Result<ClientConfig, Error> {
        for protocol in &self.protocols {
            config = config.protocol(protocol).map_err(Error::Url)?;
        }
        for offer in &self.deflate {
            config = config.deflate(*offer);
        }
        for extension in &self.extensions {
            config = config.extension(extension).map_err(Error::Url)?;
        }
        if let Some(origin) = &self.origin {
            config = config.origin(origin).map_err(Error::Url)?;
        }
        for (name, value) in &self.headers {
            config = config.header(name, value).map_err(Error::Url)?;
        }
        Ok(config
            .limits(self.limits)
            .allow_missing_protocol(self.allow_missing_protocol))
    }
}

#[derive(Debug)]
struct Inner {
    builder: ClientBuilder,
    tls: Arc<rustls::ClientConfig>,
    connector: Connector,
}

/// A configured client; cheap to clone, safe to share.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

impl Client {
    /// Starts a builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Connects and performs the handshake.
    pub async fn connect(&self, url: &str) -> Result<(Connection, WebSocketStream), Error> {
        let mut url = url.to_string();
        let mut redirects = Vec::new();
        loop {
            match self.connect_once(&url).await {
                Err(Error::Status {
                    status: 301 | 302 | 303 | 307 | 308,
                    location: Some(location),
                    ..
                }) if self.inner.builder.max_redirects > 0 => {
                    if redirects.len() >= self.inner.builder.max_redirects {
                        return Err(Error::TooManyRedirects {
                            limit: self.inner.builder.max_redirects,
                        });
                    }
                    let next = redirect_target(&url, &location)?;
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

    async fn connect_once(&self, url: &str) -> Result<(Connection, WebSocketStream), Error> {
        let builder = &self.inner.builder;
        let config = builder.request_for(ClientConfig::from_url(url).map_err(Error::Url)?)?;
        let (host, port, secure) = (config.host().to_string(), config.port(), config.is_secure());
        // C2: hold the CONNECTING slot for host:port until the handshake is over.
        let _permit = self.inner.connector.permit(&host, port).await;
        let stream =
            tokio::time::timeout(builder.connect_timeout, self.transport(&host, port, secure))
                .await
                .map_err(|_| Error::ConnectTimeout)??;
        let options = Options {
            timeout: builder.handshake_timeout,
            ..Options::default()
        };
        let key = Key::random().map_err(|e| Error::Io(std::io::Error::other(e.to_string())))?;
        let (connected, upgraded) = wshake_tokio::handshake(stream, config, key, &options).await?;
        Ok((
            Connection {
                url: url.to_string(),
                redirects: Vec::new(),
                protocol: connected.protocol,
                deflate: connected.deflate,
                request: connected.request,
                response: connected.response,
            },
            upgraded,
        ))
    }

    async fn transport(
        &self,
        host: &str,
        port: u16,
        secure: bool,
    ) -> Result<MaybeTlsStream, Error> {
        let builder = &self.inner.builder;
        let proxy = match &builder.proxy {
            Some(proxy) => Some(proxy.clone()),
            None if builder.proxy_from_env => {
                transport::proxy_from_env(secure, host, |name| std::env::var(name).ok())
            }
            None => None,
        };
        let tcp = match proxy {
            Some(proxy) => {
                Proxy::parse(&proxy)?
                    .connect(host, port, builder.nodelay)
                    .await?
            }
            None => transport::tcp(host, port, builder.nodelay).await?,
        };
        if secure {
            transport::tls(tcp, host, Arc::clone(&self.inner.tls)).await
        } else {
            Ok(MaybeTlsStream::Plain(tcp))
        }
    }
}

/// Where a redirect leads, as a `ws`/`wss` URL; `wss` → `ws` is refused.
fn redirect_target(current: &str, location: &str) -> Result<String, Error> {
    let base = url::Url::parse(current)
        .map_err(|_| Error::Url(wshake_tokio::wshake_proto::Error::InvalidUrl))?;
    let mut next = base
        .join(location)
        .map_err(|_| Error::Url(wshake_tokio::wshake_proto::Error::InvalidUrl))?;
    let scheme = match next.scheme() {
        "http" | "ws" => "ws",
        "https" | "wss" => "wss",
        _ => {
            return Err(Error::Url(
                wshake_tokio::wshake_proto::Error::UnsupportedScheme,
            ));
        }
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
    Ok(next.to_string())
}

/// Connects with default options, through a process-wide [`Connector`] so that
/// concurrent calls to one host:port do not handshake at the same time (C2).
pub async fn connect(url: &str) -> Result<(Connection, WebSocketStream), Error> {
    static DEFAULT: std::sync::OnceLock<Result<Client, String>> = std::sync::OnceLock::new();
    let client = DEFAULT.get_or_init(|| {
        Client::builder()
            .connector(connector::global().clone())
            .build()
            .map_err(|e| e.to_string())
    });
    match client {
        Ok(client) => client.connect(url).await,
        Err(message) => Err(Error::Tls(std::io::Error::other(message.clone()))),
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
    }

    #[test]
    fn build_checks_options() {
        assert!(matches!(
            Client::builder().protocol("a b").build(),
            Err(Error::Url(_))
        ));
        assert!(matches!(
            Client::builder().header("Host", "x").build(),
            Err(Error::Url(_))
        ));
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
