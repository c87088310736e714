//! Where a client connects: host, port, scheme, and the request-target it asks for.

use alloc::string::{String, ToString};

use crate::LocalError;
use crate::grammar::is_valid_host;

/// One connection's destination: the `Host` header, the resource name, and where to open
/// the socket. From a `ws://` or `wss://` URL with [`from_url`](Self::from_url) (feature
/// `url`), or from its parts with [`new`](Self::new).
///
/// ```
/// use wshake_proto::client::Target;
///
/// let target = Target::new("example.com:8080", "/chat?room=1")?;
/// assert_eq!((target.host(), target.port()), ("example.com", 8080));
/// assert_eq!(target.resource(), "/chat?room=1");
/// # Ok::<(), wshake_proto::LocalError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    host: String,
    port: u16,
    secure: bool,
    host_header: String,
    resource: String,
}

impl Target {
    /// A plain `ws://` target with this `Host` value (`host[:port]`, IPv6 in brackets;
    /// port 80 when absent) and resource name (`/path?query`, C4).
    pub fn new(host_header: &str, resource: &str) -> Result<Self, LocalError> {
        if !is_valid_host(host_header.as_bytes()) {
            return Err(LocalError::InvalidHost);
        }
        check_resource(resource)?;
        let (host, port) = split_host_port(host_header);
        Ok(Self {
            host: host.to_string(),
            port: port.unwrap_or(80),
            secure: false,
            host_header: host_header.to_string(),
            resource: resource.to_string(),
        })
    }

    /// From a `ws://` or `wss://` URL (C1): default ports 80 and 443, resource name = path
    /// (`/` when empty) + `?query`, `Host` without the default port (C5), IPv6 in
    /// brackets. A fragment is an error (send `#` as `%23`), and so are credentials
    /// (`user:pass@`), which would otherwise be silently dropped.
    #[cfg(feature = "url")]
    #[cfg_attr(docsrs, doc(cfg(feature = "url")))]
    pub fn from_url(url: &str) -> Result<Self, LocalError> {
        let url = url::Url::parse(url).map_err(|_| LocalError::InvalidUrl)?;
        let secure = match url.scheme() {
            "ws" => false,
            "wss" => true,
            _ => return Err(LocalError::UnsupportedScheme),
        };
        if url.fragment().is_some() {
            return Err(LocalError::UrlFragment);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(LocalError::UrlCredentials);
        }
        let host = match url.host() {
            Some(url::Host::Domain(domain)) => domain.to_string(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => alloc::format!("[{ip}]"),
            None => return Err(LocalError::InvalidUrl),
        };
        let host_header = match url.port() {
            Some(port) => alloc::format!("{host}:{port}"),
            None => host.clone(),
        };
        let mut resource = url.path().to_string();
        if resource.is_empty() {
            resource.push('/');
        }
        if let Some(query) = url.query() {
            resource.push('?');
            resource.push_str(query);
        }
        let mut target = Self::new(&host_header, &resource)?;
        target.host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        target.secure = secure;
        target.port = url
            .port_or_known_default()
            .unwrap_or(if secure { 443 } else { 80 });
        Ok(target)
    }

    /// The host to connect to (no brackets, no port).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port to connect to.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Whether TLS is wanted (`wss://`).
    pub fn is_secure(&self) -> bool {
        self.secure
    }

    /// The `Host` header value.
    pub fn host_header(&self) -> &str {
        &self.host_header
    }

    /// The resource name: path and query.
    pub fn resource(&self) -> &str {
        &self.resource
    }
}

fn check_resource(resource: &str) -> Result<(), LocalError> {
    if resource.contains('#') {
        return Err(LocalError::UrlFragment);
    }
    if !resource.starts_with('/') || !resource.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(LocalError::InvalidResource);
    }
    Ok(())
}

fn split_host_port(host_header: &str) -> (&str, Option<u16>) {
    let (host, port) = if let Some(rest) = host_header.strip_prefix('[') {
        match rest.split_once(']') {
            Some((host, port)) => (host, port.strip_prefix(':')),
            None => (rest, None),
        }
    } else {
        match host_header.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_header, None),
        }
    };
    (host, port.and_then(|p| p.parse().ok()))
}
