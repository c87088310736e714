//! Building a [`Client`]: what it offers (a proto `ClientConfig`, checked option by
//! option) and how it reaches servers.

use std::sync::Arc;
use std::time::Duration;

use wshake_tokio::wshake_proto::client::ClientConfig;
use wshake_tokio::wshake_proto::extensions::DeflateOffer;
use wshake_tokio::wshake_proto::{Limits, LocalError};

use crate::transport::{self, Proxy};
use crate::{Client, Connector, Error, Http2, Inner, Transport};

/// Options for [`Client`]. The offer options are checked as they are set; the first
/// invalid one is reported by [`build`](Self::build) as [`Error::InvalidOption`].
#[derive(Clone, Default)]
pub struct ClientBuilder {
    config: ClientConfig,
    invalid: Option<LocalError>,
    transport: Transport,
    tls: Option<Arc<rustls::ClientConfig>>,
    connector: Option<Connector>,
    sensitive: Vec<String>,
    client_certificate: Option<ClientCertificate>,
}

/// Shows no option that may hold a secret (headers, tokens, the proxy's credentials).
impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("protocols", &self.config.protocols())
            .field("invalid", &self.invalid)
            .finish_non_exhaustive()
    }
}

/// A certificate chain and its key, for mutual TLS.
#[derive(Clone)]
struct ClientCertificate {
    chain: Vec<rustls::pki_types::CertificateDer<'static>>,
    key: Arc<rustls::pki_types::PrivateKeyDer<'static>>,
}

impl std::fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key.
        f.debug_struct("ClientCertificate")
            .field("chain", &self.chain.len())
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Applies a fallible option to the offer, keeping the first error.
    fn offer(
        mut self,
        option: impl FnOnce(ClientConfig) -> Result<ClientConfig, LocalError>,
    ) -> Self {
        if self.invalid.is_none() {
            match option(std::mem::take(&mut self.config)) {
                Ok(config) => self.config = config,
                Err(error) => self.invalid = Some(error),
            }
        }
        self
    }

    /// Offers a subprotocol (in order of preference): a token, not offered before.
    #[must_use]
    pub fn protocol(self, protocol: &str) -> Self {
        self.offer(|config| config.protocol(protocol))
    }

    /// Offers a credential as a subprotocol, `prefix` then `token` (`bearer.` and a
    /// token, as browsers must, having no `Authorization` on a WebSocket): sent with the
    /// subprotocols, never accepted as the server's choice. See
    /// `wshake_proto::client::ClientConfig::protocol_token`.
    #[must_use]
    pub fn protocol_token(self, prefix: &str, token: &str) -> Self {
        self.offer(|config| config.protocol_token(prefix, token))
    }

    /// Offers permessage-deflate with these parameters (several offers allowed).
    #[must_use]
    pub fn deflate(mut self, offer: DeflateOffer) -> Self {
        self.config = self.config.deflate(offer);
        self
    }

    /// Offers other extensions, as a `Sec-WebSocket-Extensions` value.
    #[must_use]
    pub fn extension(self, value: &str) -> Self {
        self.offer(|config| config.extension(value))
    }

    /// Sends this `Origin`.
    #[must_use]
    pub fn origin(self, origin: &str) -> Self {
        self.offer(|config| config.origin(origin))
    }

    /// Adds a request header (not one the handshake writes itself).
    #[must_use]
    pub fn header(self, name: &str, value: &str) -> Self {
        self.offer(|config| config.header(name, value))
    }

    /// Marks a header as carrying credentials (an API key, say): like `Authorization`
    /// and `Cookie`, it is not sent on after a redirect to another origin.
    #[must_use]
    pub fn sensitive_header(mut self, name: &str) -> Self {
        self.sensitive.push(name.to_ascii_lowercase());
        self
    }

    /// Limits on the response head.
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.config = self.config.limits(limits);
        self
    }

    /// Accepts a server that picks no subprotocol although some were offered.
    #[must_use]
    pub fn allow_missing_protocol(mut self, allow: bool) -> Self {
        self.config = self.config.allow_missing_protocol(allow);
        self
    }

    /// Limits DNS, TCP, proxy and TLS together (default 10 s).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport.connect_timeout = timeout;
        self
    }

    /// Limits the WebSocket handshake (default 10 s).
    #[must_use]
    pub fn handshake_timeout(mut self, timeout: Duration) -> Self {
        self.transport.handshake_timeout = timeout;
        self
    }

    /// Sets `TCP_NODELAY` (default on: a handshake is small writes waiting on answers).
    #[must_use]
    pub fn nodelay(mut self, nodelay: bool) -> Self {
        self.transport.nodelay = nodelay;
        self
    }

    /// A custom rustls config: private CAs, client certificates, ALPN.
    #[must_use]
    pub fn tls_config(mut self, config: Arc<rustls::ClientConfig>) -> Self {
        self.tls = Some(config);
        self
    }

    /// Presents this certificate chain (leaf first) and private key when a `wss://`
    /// server asks for a client certificate (mutual TLS), with the default roots or the
    /// [`tls_config`](Self::tls_config). A key that does not match the certificate is
    /// reported by [`build`](Self::build) as [`Error::ClientCertificate`].
    #[must_use]
    pub fn client_certificate(
        mut self,
        chain: Vec<rustls::pki_types::CertificateDer<'static>>,
        key: rustls::pki_types::PrivateKeyDer<'static>,
    ) -> Self {
        self.client_certificate = Some(ClientCertificate {
            chain,
            key: Arc::new(key),
        });
        self
    }

    /// Connects through this HTTP proxy (`http://[user:password@]host:port`) with
    /// `CONNECT`; credentials are sent as Basic proxy authorization.
    #[must_use]
    pub fn proxy(mut self, url: &str) -> Self {
        self.transport.proxy = Some(url.to_string());
        self
    }

    /// Reads `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` / `NO_PROXY` when no proxy is set.
    #[must_use]
    pub fn proxy_from_env(mut self, enabled: bool) -> Self {
        self.transport.proxy_from_env = enabled;
        self
    }

    /// Follows up to `max` redirects (301, 302, 303, 307, 308), never from `wss` to `ws`,
    /// with a fresh key each time. Default: none, the refusal carries `Location`.
    #[must_use]
    pub fn follow_redirects(mut self, max: usize) -> Self {
        self.transport.max_redirects = max;
        self
    }

    /// Opens WebSockets over HTTP/2 (RFC 8441) when the server offers them
    /// ([`Http2::Prefer`]) or always ([`Http2::Require`]); by default never. Every
    /// WebSocket to one server then shares one HTTP/2 connection. Redirects are followed
    /// over HTTP/1.1 only.
    #[must_use]
    pub fn http2(mut self, mode: Http2) -> Self {
        self.transport.http2 = mode;
        self
    }

    /// Shares a [`Connector`] (C2) with other clients; by default each client has its own.
    #[must_use]
    pub fn connector(mut self, connector: Connector) -> Self {
        self.connector = Some(connector);
        self
    }

    /// Checks the options and builds the client. Without a
    /// [`tls_config`](Self::tls_config), the root certificates of the enabled features
    /// are trusted, and having none is [`Error::NoRootCertificates`].
    pub fn build(self) -> Result<Client, Error> {
        if let Some(error) = self.invalid {
            return Err(Error::InvalidOption(error));
        }
        if let Some(proxy) = &self.transport.proxy {
            Proxy::parse(proxy)?;
        }
        let mut tls = match self.tls {
            Some(tls) => tls,
            None => transport::default_tls_config()?,
        };
        if let Some(identity) = self.client_certificate {
            let key = identity.key.clone_key();
            tls = crate::with_client_certificate(&tls, identity.chain, key)?;
        }
        let with_alpn = |protocols: &[&[u8]]| {
            let mut config = (*tls).clone();
            config.alpn_protocols = protocols.iter().map(|p| p.to_vec()).collect();
            Arc::new(config)
        };
        let (tls_h2, tls_h1) = (with_alpn(&[b"h2", b"http/1.1"]), with_alpn(&[b"http/1.1"]));
        Ok(Client {
            inner: Arc::new(Inner {
                config: Arc::new(self.config),
                transport: self.transport,
                tls,
                tls_h2,
                tls_h1,
                connector: self.connector.unwrap_or_default(),
                http2: crate::http2::Pool::default(),
                sensitive: self.sensitive,
            }),
        })
    }
}
