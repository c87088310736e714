//! Getting a byte stream to the server: DNS, TCP, an optional HTTP proxy, TLS.

use std::io;
use std::sync::Arc;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use wshake_tokio::wshake_proto::client::ResponseReader;
use wshake_tokio::wshake_proto::{Limits, Status};

use crate::{Error, MaybeTlsStream};

/// Resolves `host` and tries every address in the order the resolver gave them (IPv6 and
/// IPv4 alike); the error lists each attempt.
pub(crate) async fn tcp(host: &str, port: u16, nodelay: bool) -> Result<TcpStream, Error> {
    let addresses: Vec<_> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|source| Error::Dns {
            host: host.to_string(),
            source,
        })?
        .collect();
    let mut attempts = Vec::new();
    for address in addresses {
        match TcpStream::connect(address).await {
            Ok(stream) => {
                stream.set_nodelay(nodelay).map_err(Error::Io)?;
                return Ok(stream);
            }
            Err(error) => attempts.push((address, error)),
        }
    }
    Err(Error::Connect {
        host: host.to_string(),
        attempts,
    })
}

/// An HTTP proxy reached through `CONNECT` (RFC 9110 §9.3.6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Proxy {
    host: String,
    port: u16,
    authorization: Option<String>,
}

impl Proxy {
    /// From `http://[user:password@]host[:port]` (port 80 by default, 3128 is common).
    pub(crate) fn parse(url: &str) -> Result<Self, Error> {
        // An unparsable URL may still hold credentials: it is not repeated.
        let parsed = url::Url::parse(url)
            .map_err(|e| Error::ProxyProtocol(format!("invalid proxy URL: {e}")))?;
        // Errors name the proxy by scheme, host and port only: never its credentials
        // (which a URL without `http://` would show in other parts).
        let shown = format!(
            "{}://{}",
            parsed.scheme(),
            parsed.host_str().unwrap_or("(no host)")
        );
        if parsed.scheme() != "http" {
            return Err(Error::ProxyProtocol(format!(
                "proxy URL must be http://, got {shown}"
            )));
        }
        let host = match parsed.host() {
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            Some(host) => host.to_string(),
            None => {
                return Err(Error::ProxyProtocol(format!(
                    "proxy URL {shown} has no host"
                )));
            }
        };
        let authorization = crate::credentials::basic(&parsed);
        Ok(Self {
            host,
            port: parsed.port_or_known_default().unwrap_or(80),
            authorization,
        })
    }

    /// Opens a tunnel to `host:port` through the proxy.
    pub(crate) async fn connect(
        &self,
        host: &str,
        port: u16,
        nodelay: bool,
    ) -> Result<TcpStream, Error> {
        let mut stream = tcp(&self.host, self.port, nodelay).await?;
        let authority = if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let mut request = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
        if let Some(authorization) = &self.authorization {
            request.push_str("Proxy-Authorization: ");
            request.push_str(authorization);
            request.push_str("\r\n");
        }
        request.push_str("\r\n");
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(Error::Io)?;
        stream.flush().await.map_err(Error::Io)?;
        read_answer(&mut stream).await?;
        Ok(stream)
    }
}

/// Reads the proxy's answer to `CONNECT` with the same head reader as every head wshake
/// reads: a 2xx opens the tunnel, anything else is [`Error::Proxy`]. Nothing may follow
/// a 2xx: the tunnel's first bytes are the client's (a TLS hello or the WebSocket
/// request), so bytes from the proxy before them are a broken proxy.
async fn read_answer(stream: &mut TcpStream) -> Result<(), Error> {
    let mut reader = ResponseReader::new(Limits::new().max_head_bytes(8 * 1024));
    loop {
        match reader.poll() {
            Ok(Status::NeedMore) => {}
            Ok(Status::Ready(response)) => {
                let status = response.status();
                if !(200..300).contains(&status) {
                    let reason = String::from_utf8_lossy(response.reason()).into_owned();
                    return Err(Error::Proxy { status, reason });
                }
                if !reader.leftover().is_empty() {
                    return Err(Error::ProxyProtocol(
                        "proxy sent bytes after its answer to CONNECT".into(),
                    ));
                }
                return Ok(());
            }
            Err(error) => {
                return Err(Error::ProxyProtocol(format!(
                    "proxy answer is not HTTP: {error}"
                )));
            }
        }
        let read = stream.read(reader.spare(512)).await.map_err(Error::Io)?;
        if read == 0 {
            return Err(Error::ProxyProtocol(
                "proxy closed the connection during CONNECT".into(),
            ));
        }
        reader.advance(read);
    }
}

/// Which proxy, if any, the usual environment variables name for this URL: `HTTPS_PROXY`
/// for `wss`, `HTTP_PROXY` for `ws`, then `ALL_PROXY` (lower case wins, as curl does), and
/// none when `NO_PROXY` matches the host (`*`, exact, or a domain suffix).
pub(crate) fn proxy_from_env(
    secure: bool,
    host: &str,
    lookup: impl Fn(&str) -> Option<String>,
) -> Option<String> {
    let get = |name: &str| {
        lookup(&name.to_ascii_lowercase())
            .or_else(|| lookup(name))
            .filter(|v| !v.is_empty())
    };
    if let Some(no_proxy) = get("NO_PROXY") {
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        let excluded = no_proxy.split(',').map(str::trim).any(|entry| {
            let entry = entry.trim_start_matches('.').to_ascii_lowercase();
            entry == "*" || host == entry || host.ends_with(&format!(".{entry}"))
        });
        if excluded {
            return None;
        }
    }
    let specific = if secure { "HTTPS_PROXY" } else { "HTTP_PROXY" };
    get(specific).or_else(|| get("ALL_PROXY"))
}

/// TLS over `stream` with SNI for `host` (not sent for IP literals, as RFC 6066 says).
pub(crate) async fn tls(
    stream: TcpStream,
    host: &str,
    config: Arc<rustls::ClientConfig>,
) -> Result<MaybeTlsStream, Error> {
    let name = rustls::pki_types::ServerName::try_from(
        host.trim_start_matches('[')
            .trim_end_matches(']')
            .to_string(),
    )
    .map_err(|e| Error::Tls(io::Error::new(io::ErrorKind::InvalidInput, e)))?;
    let connector = tokio_rustls::TlsConnector::from(config);
    let tls = connector.connect(name, stream).await.map_err(Error::Tls)?;
    Ok(MaybeTlsStream::Tls(Box::new(tls)))
}

/// The TLS config a client uses without [`tls_config`](crate::ClientBuilder::tls_config):
/// the roots of the enabled features (`webpki-roots`, `native-roots`), the `ring`
/// provider, TLS 1.2 and 1.3, no client certificate. [`Error::NoRootCertificates`] when
/// no feature gives any root.
pub fn default_tls_config() -> Result<Arc<rustls::ClientConfig>, Error> {
    let mut roots = rustls::RootCertStore::empty();
    #[cfg(feature = "webpki-roots")]
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    #[cfg(feature = "native-roots")]
    for certificate in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(certificate);
    }
    if roots.is_empty() {
        return Err(Error::NoRootCertificates);
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls(io::Error::other(e)))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c3_proxy_url_with_basic_credentials() {
        let proxy = Proxy::parse("http://user:p%40ss@proxy.test:3128").unwrap();
        assert_eq!((proxy.host.as_str(), proxy.port), ("proxy.test", 3128));
        assert_eq!(proxy.authorization.as_deref(), Some("Basic dXNlcjpwQHNz"));
        assert!(Proxy::parse("socks5://proxy.test").is_err());
    }

    #[test]
    fn c3_environment_proxies_and_no_proxy() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_string())
            }
        };
        let vars = env(&[
            ("HTTP_PROXY", "http://plain:3128"),
            ("https_proxy", "http://secure:3128"),
            ("NO_PROXY", "localhost, .internal.test"),
        ]);
        assert_eq!(
            proxy_from_env(false, "example.com", vars).as_deref(),
            Some("http://plain:3128")
        );
        assert_eq!(
            proxy_from_env(true, "example.com", vars).as_deref(),
            Some("http://secure:3128")
        );
        assert_eq!(proxy_from_env(false, "localhost", vars), None);
        assert_eq!(proxy_from_env(false, "a.internal.test", vars), None);
        assert_eq!(proxy_from_env(false, "internal.test", vars), None);
        let all = env(&[("ALL_PROXY", "http://all:1")]);
        assert_eq!(
            proxy_from_env(true, "x", all).as_deref(),
            Some("http://all:1")
        );
        assert_eq!(proxy_from_env(true, "x", env(&[])), None);
    }
}
