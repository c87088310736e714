//! What a server accepts, decided once and shared by every connection.

use core::net::IpAddr;

use alloc::string::String;
use alloc::vec::Vec;

use crate::Limits;
use crate::extensions::DeflateConfig;

use super::OriginPolicy;

/// Whose order decides when both sides list several subprotocols.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ProtocolPreference {
    /// The first protocol in the server's list that the client offered.
    #[default]
    Server,
    /// The first protocol the client offered that the server supports.
    Client,
}

/// A server's policies: limits, subprotocols, origins, permessage-deflate. Built once
/// with its builder methods and shared (in an `Arc`) by every connection.
///
/// ```
/// use wshake_proto::extensions::DeflateConfig;
/// use wshake_proto::server::{OriginPolicy, ServerConfig};
///
/// let config = ServerConfig::new()
///     .protocols(["chat.v2", "chat.v1"])
///     .require_protocol()
///     .origin_policy(OriginPolicy::same_origin().allow("https://app.example.com"))
///     .deflate(DeflateConfig::default());
/// # let _ = config;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerConfig {
    pub(crate) limits: Limits,
    pub(crate) protocols: Vec<String>,
    pub(crate) protocol_preference: ProtocolPreference,
    pub(crate) require_protocol: bool,
    pub(crate) origin: OriginPolicy,
    pub(crate) deflate: Option<DeflateConfig>,
    pub(crate) trusted_proxies: Vec<IpAddr>,
    /// Lower case; empty: every host.
    pub(crate) allowed_hosts: Vec<String>,
}

impl ServerConfig {
    /// Default limits, no subprotocols, same-origin, no permessage-deflate.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the limits on the request head.
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Sets the subprotocols the server speaks, most preferred first.
    #[must_use]
    pub fn protocols<I, S>(mut self, protocols: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.protocols = protocols.into_iter().map(Into::into).collect();
        self
    }

    /// Lets the client's order pick the subprotocol.
    #[must_use]
    pub fn prefer_client_protocols(mut self) -> Self {
        self.protocol_preference = ProtocolPreference::Client;
        self
    }

    /// Refuses (400, [`Error::NoCommonProtocol`](crate::Error::NoCommonProtocol)) a
    /// handshake that would end with no subprotocol: the client offered none of the
    /// server's. Without it such a client is accepted with no subprotocol (S14).
    #[must_use]
    pub fn require_protocol(mut self) -> Self {
        self.require_protocol = true;
        self
    }

    /// Sets the origin policy (default: same origin).
    #[must_use]
    pub fn origin_policy(mut self, origin: OriginPolicy) -> Self {
        self.origin = origin;
        self
    }

    /// Trusts these reverse proxies to say which host and scheme the client addressed:
    /// when the connection comes from one of them ([`Incoming::peer`]), the origin
    /// policy compares `Origin` with the last `Forwarded` element's `host` and `proto`
    /// (RFC 7239), else with `X-Forwarded-Host` and `X-Forwarded-Proto`, instead of
    /// `Host` (which the proxy may have rewritten). Off by default: from any other peer
    /// those headers are ignored, since anyone can send them.
    ///
    /// [`Incoming::peer`]: super::Incoming::peer
    #[must_use]
    pub fn trust_proxies<I>(mut self, proxies: I) -> Self
    where
        I: IntoIterator<Item = IpAddr>,
    {
        self.trusted_proxies = proxies.into_iter().collect();
        self
    }

    /// The proxies trusted to forward the host and scheme.
    pub fn trusted_proxies(&self) -> &[IpAddr] {
        &self.trusted_proxies
    }

    /// Answers only requests addressed to one of these hosts (421
    /// [`Error::HostNotAllowed`](crate::Error::HostNotAllowed) otherwise): `host:port`
    /// must match the `Host` header (over HTTP/2 `:authority`) exactly, a bare `host` with
    /// any port (case-insensitive; IPv6 in brackets, `[::1]:9001`). Default: every host.
    ///
    /// The defence against DNS rebinding: a page on `evil.example` whose name the attacker
    /// re-points at 127.0.0.1 reaches a server on localhost with `Host` and `Origin` both
    /// `evil.example`, which the same-origin policy lets through; an allow-list of the
    /// names the server is really reached by does not. Behind a reverse proxy, list the
    /// `Host` the proxy sends.
    ///
    /// ```
    /// use wshake_proto::server::ServerConfig;
    ///
    /// let config = ServerConfig::new().allowed_hosts(["localhost", "127.0.0.1:9001", "[::1]"]);
    /// assert!(config.allows_host("LOCALHOST:8080"));
    /// assert!(config.allows_host("127.0.0.1:9001"));
    /// assert!(!config.allows_host("127.0.0.1:9002"));
    /// assert!(!config.allows_host("evil.example:9001"));
    /// ```
    #[must_use]
    pub fn allowed_hosts<I, S>(mut self, hosts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.allowed_hosts = hosts
            .into_iter()
            .map(|host| host.as_ref().to_ascii_lowercase())
            .collect();
        self
    }

    /// Whether a request addressed to `host` (`host[:port]`, as in `Host`) is answered.
    pub fn allows_host(&self, host: &str) -> bool {
        if self.allowed_hosts.is_empty() {
            return true;
        }
        let name = split_port(host);
        self.allowed_hosts.iter().any(|allowed| {
            host.eq_ignore_ascii_case(allowed)
                || (split_port(allowed) == allowed && name.eq_ignore_ascii_case(allowed))
        })
    }

    /// `Err(HostNotAllowed)` (421) unless [`allows_host`](Self::allows_host).
    pub(crate) fn check_host(&self, host: &[u8]) -> Result<(), crate::Error> {
        if self.allowed_hosts.is_empty() {
            // Every host is answered: nothing to read (the host is valid ASCII already).
            return Ok(());
        }
        match core::str::from_utf8(host) {
            Ok(text) if self.allows_host(text) => Ok(()),
            _ => Err(crate::Error::HostNotAllowed {
                host: crate::error::Excerpt::new(host),
            }),
        }
    }

    /// Enables permessage-deflate negotiation.
    #[must_use]
    pub fn deflate(mut self, deflate: DeflateConfig) -> Self {
        self.deflate = Some(deflate);
        self
    }
}

/// The host of `host[:port]`, without the port (an IPv6 literal keeps its brackets).
fn split_port(host: &str) -> &str {
    match host.rfind(':') {
        Some(colon) if !host[colon..].contains(']') => &host[..colon],
        _ => host,
    }
}
