//! What a client asks for: target, subprotocols, extensions, origin, extra headers.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use bytes::BufMut;
use wshake_accept::Key;

use crate::deflate::{DeflateOffer, put_display};
use crate::extension::Extensions;
use crate::response::put_header;
use crate::server::is_valid_host;
use crate::token::{is_field_value, is_token};
use crate::{Error, Limits};

/// Headers a client application may not add: the handshake writes them itself.
const RESERVED_IN_REQUEST: &[&str] = &[
    "host",
    "upgrade",
    "connection",
    "sec-websocket-key",
    "sec-websocket-version",
    "sec-websocket-protocol",
    "sec-websocket-extensions",
    "origin",
    "content-length",
    "transfer-encoding",
];

/// A client's request: where to, and what to offer. Built once, used for every attempt
/// (each with a fresh key).
///
/// ```
/// use wshake_proto::{ClientConfig, DeflateOffer};
///
/// let config = ClientConfig::new("example.com:8080", "/chat?room=1")?
///     .protocol("chat.v2")?
///     .deflate(DeflateOffer::new().client_max_window_bits(None))
///     .origin("https://example.com")?
///     .header("Authorization", "Bearer abc")?;
/// assert_eq!(config.host_header(), "example.com:8080");
/// # Ok::<(), wshake_proto::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientConfig {
    host: String,
    port: u16,
    secure: bool,
    host_header: String,
    resource: String,
    protocols: Vec<String>,
    deflate: Vec<DeflateOffer>,
    extensions: Vec<String>,
    origin: Option<String>,
    headers: Vec<(String, String)>,
    limits: Limits,
    allow_missing_protocol: bool,
}

impl ClientConfig {
    /// A request with this `Host` value (`host[:port]`, IPv6 in brackets) and resource name
    /// (`/path?query`, C4), for a plain `ws://` connection.
    pub fn new(host_header: &str, resource: &str) -> Result<Self, Error> {
        if !is_valid_host(host_header.as_bytes()) {
            return Err(Error::InvalidHost);
        }
        check_resource(resource)?;
        let (host, port) = split_host_port(host_header);
        Ok(Self {
            host: host.to_string(),
            port: port.unwrap_or(80),
            secure: false,
            host_header: host_header.to_string(),
            resource: resource.to_string(),
            protocols: Vec::new(),
            deflate: Vec::new(),
            extensions: Vec::new(),
            origin: None,
            headers: Vec::new(),
            limits: Limits::DEFAULT,
            allow_missing_protocol: false,
        })
    }

    /// From a `ws://` or `wss://` URL (C1): default ports 80 and 443, resource name = path
    /// (`/` when empty) + `?query`, `Host` without the default port (C5), IPv6 in
    /// brackets. A fragment is an error (send `#` as `%23`), and so are credentials
    /// (`user:pass@`), which would otherwise be silently dropped.
    #[cfg(feature = "url")]
    #[cfg_attr(docsrs, doc(cfg(feature = "url")))]
    pub fn from_url(url: &str) -> Result<Self, Error> {
        let url = url::Url::parse(url).map_err(|_| Error::InvalidUrl)?;
        let secure = match url.scheme() {
            "ws" => false,
            "wss" => true,
            _ => return Err(Error::UnsupportedScheme),
        };
        if url.fragment().is_some() {
            return Err(Error::UrlFragment);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::UrlCredentials);
        }
        let host = match url.host() {
            Some(url::Host::Domain(domain)) => domain.to_string(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => alloc::format!("[{ip}]"),
            None => return Err(Error::InvalidUrl),
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
        let mut config = Self::new(&host_header, &resource)?;
        config.host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        config.secure = secure;
        config.port = url
            .port_or_known_default()
            .unwrap_or(if secure { 443 } else { 80 });
        Ok(config)
    }

    /// Marks the connection as TLS (`wss://`); the port defaults change accordingly only
    /// through [`from_url`](Self::from_url).
    #[must_use]
    pub fn secure(mut self, secure: bool) -> Self {
        self.secure = secure;
        self
    }

    /// Offers a subprotocol (C9): a token, not offered before. Order is preference.
    pub fn protocol(mut self, protocol: &str) -> Result<Self, Error> {
        if !is_token(protocol.as_bytes()) {
            return Err(Error::InvalidProtocol);
        }
        if self.protocols.iter().any(|p| p == protocol) {
            return Err(Error::DuplicateProtocolOffer);
        }
        self.protocols.push(protocol.to_string());
        Ok(self)
    }

    /// Offers permessage-deflate with these parameters. Several offers may be made; the
    /// first is preferred (D24).
    #[must_use]
    pub fn deflate(mut self, offer: DeflateOffer) -> Self {
        self.deflate.push(offer);
        self
    }

    /// Offers other extensions, as a `Sec-WebSocket-Extensions` value (§9.1 syntax).
    pub fn extension(mut self, value: &str) -> Result<Self, Error> {
        if Extensions::parse(value.as_bytes()).is_none() {
            return Err(Error::InvalidExtensions);
        }
        self.extensions.push(value.to_string());
        Ok(self)
    }

    /// Sends `Origin` (C8: only when configured).
    pub fn origin(mut self, origin: &str) -> Result<Self, Error> {
        if origin.is_empty() || !is_field_value(origin.as_bytes()) {
            return Err(Error::InvalidExtraHeader);
        }
        self.origin = Some(origin.to_string());
        Ok(self)
    }

    /// Adds a header (cookies, authorization…). The handshake's own headers cannot be
    /// overridden; CR, LF and NUL are refused.
    pub fn header(mut self, name: &str, value: &str) -> Result<Self, Error> {
        if !is_token(name.as_bytes()) || !is_field_value(value.as_bytes()) {
            return Err(Error::InvalidExtraHeader);
        }
        if RESERVED_IN_REQUEST
            .iter()
            .any(|r| r.eq_ignore_ascii_case(name))
        {
            return Err(Error::ReservedHeader);
        }
        self.headers.push((name.to_string(), value.to_string()));
        Ok(self)
    }

    /// Limits on the response head.
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Accepts a 101 that picks no subprotocol although some were offered. The default
    /// follows browsers and fails.
    #[must_use]
    pub fn allow_missing_protocol(mut self, allow: bool) -> Self {
        self.allow_missing_protocol = allow;
        self
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

    /// The subprotocols offered.
    pub fn protocols(&self) -> &[String] {
        &self.protocols
    }

    /// The permessage-deflate offers.
    pub fn deflate_offers(&self) -> &[DeflateOffer] {
        &self.deflate
    }

    pub(crate) fn extension_offers(&self) -> &[String] {
        &self.extensions
    }

    pub(crate) fn limits_ref(&self) -> &Limits {
        &self.limits
    }

    pub(crate) fn allows_missing_protocol(&self) -> bool {
        self.allow_missing_protocol
    }

    /// Writes the request (C4–C9) with this key. Nothing is allocated beyond `out`.
    pub fn write_request(&self, key: &Key, out: &mut impl BufMut) {
        out.put_slice(b"GET ");
        out.put_slice(self.resource.as_bytes());
        out.put_slice(b" HTTP/1.1\r\n");
        put_header(out, "Host", self.host_header.as_bytes());
        out.put_slice(b"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ");
        out.put_slice(key.as_bytes());
        out.put_slice(b"\r\nSec-WebSocket-Version: 13\r\n");
        if let Some(origin) = &self.origin {
            put_header(out, "Origin", origin.as_bytes());
        }
        if !self.protocols.is_empty() {
            out.put_slice(b"Sec-WebSocket-Protocol: ");
            for (i, protocol) in self.protocols.iter().enumerate() {
                if i > 0 {
                    out.put_slice(b", ");
                }
                out.put_slice(protocol.as_bytes());
            }
            out.put_slice(b"\r\n");
        }
        if !self.deflate.is_empty() || !self.extensions.is_empty() {
            out.put_slice(b"Sec-WebSocket-Extensions: ");
            let mut first = true;
            for offer in &self.deflate {
                if !core::mem::take(&mut first) {
                    out.put_slice(b", ");
                }
                put_display(out, offer);
            }
            for extension in &self.extensions {
                if !core::mem::take(&mut first) {
                    out.put_slice(b", ");
                }
                out.put_slice(extension.as_bytes());
            }
            out.put_slice(b"\r\n");
        }
        for (name, value) in &self.headers {
            put_header(out, name, value.as_bytes());
        }
        out.put_slice(b"\r\n");
    }
}

fn check_resource(resource: &str) -> Result<(), Error> {
    if !resource.starts_with('/') {
        return Err(Error::InvalidTarget);
    }
    if resource.contains('#') {
        return Err(Error::UrlFragment);
    }
    if !resource.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::InvalidTarget);
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
