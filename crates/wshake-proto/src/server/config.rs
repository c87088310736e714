//! What a server accepts, decided once and shared by every connection.

use alloc::string::String;
use alloc::vec::Vec;

use crate::{DeflateConfig, Limits, OriginPolicy};

/// Whose order decides when both sides list several subprotocols.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ProtocolPreference {
    /// The first protocol in the server's list that the client offered.
    #[default]
    Server,
    /// The first protocol the client offered that the server supports.
    Client,
}

/// A server's policies: limits, subprotocols, origins, permessage-deflate.
///
/// ```
/// use wshake_proto::{DeflateConfig, OriginPolicy, ServerConfig};
///
/// let config = ServerConfig::new()
///     .protocols(["chat.v2", "chat.v1"])
///     .origin_policy(OriginPolicy::same_origin().allow("https://app.example.com"))
///     .deflate(DeflateConfig::default());
/// assert_eq!(config.protocols.len(), 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerConfig {
    /// Limits on the request head.
    pub limits: crate::Limits,
    /// Subprotocols the server speaks, in its order of preference.
    pub protocols: Vec<String>,
    /// Whose preference picks the subprotocol.
    pub protocol_preference: ProtocolPreference,
    /// Which `Origin` values are allowed.
    pub origin: OriginPolicy,
    /// permessage-deflate support; `None` declines every offer.
    pub deflate: Option<DeflateConfig>,
}

impl ServerConfig {
    /// Default limits, no subprotocols, same-origin, no permessage-deflate.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the limits.
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

    /// Sets the origin policy.
    #[must_use]
    pub fn origin_policy(mut self, origin: OriginPolicy) -> Self {
        self.origin = origin;
        self
    }

    /// Enables permessage-deflate negotiation.
    #[must_use]
    pub fn deflate(mut self, deflate: DeflateConfig) -> Self {
        self.deflate = Some(deflate);
        self
    }
}
