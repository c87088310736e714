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

    /// Enables permessage-deflate negotiation.
    #[must_use]
    pub fn deflate(mut self, deflate: DeflateConfig) -> Self {
        self.deflate = Some(deflate);
        self
    }
}
