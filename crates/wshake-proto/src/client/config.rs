//! What a client offers on every connection: subprotocols, extensions, origin, headers.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use core::fmt::{self, Write as _};

use crate::extensions::{DeflateOffer, Extension, Extensions};
use crate::grammar::{is_field_value, is_token};
use crate::headers::{Message, check_extra};
use crate::{Limits, LocalError};

/// What a client offers and accepts, the same for every connection (built once, shared
/// in an `Arc`); where it connects is a [`Target`](super::Target), one per connection.
///
/// ```
/// use wshake_proto::client::ClientConfig;
/// use wshake_proto::extensions::DeflateOffer;
///
/// let config = ClientConfig::new()
///     .protocol("chat.v2")?
///     .deflate(DeflateOffer::new().client_max_window_bits(None))
///     .origin("https://example.com")?
///     .header("Authorization", "Bearer abc")?;
/// assert_eq!(config.protocols(), ["chat.v2"]);
/// # Ok::<(), wshake_proto::LocalError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientConfig {
    protocols: Vec<String>,
    /// Offers that carry a credential (`bearer.<token>`): sent, never accepted as the
    /// server's choice.
    tokens: Vec<String>,
    /// The `Sec-WebSocket-Protocol` value offered: the protocols joined by `, `.
    protocol_list: String,
    /// The `Sec-WebSocket-Extensions` value offered, in the order given; empty for none.
    extensions: String,
    /// The permessage-deflate offers among them, kept typed to check an answer with.
    deflate: Vec<DeflateOffer>,
    origin: Option<String>,
    headers: Vec<(String, String)>,
    pub(crate) limits: Limits,
    pub(crate) allow_missing_protocol: bool,
}

impl ClientConfig {
    /// Offers nothing, sends no `Origin`, default limits.
    pub fn new() -> Self {
        Self::default()
    }

    /// Offers a subprotocol (C9): a token, not offered before. Order is preference.
    pub fn protocol(mut self, protocol: &str) -> Result<Self, LocalError> {
        self.push_protocol(protocol)?;
        self.protocols.push(protocol.to_string());
        Ok(self)
    }

    /// Offers a credential as a subprotocol, `prefix` then `token` (`bearer.` and a
    /// JWT, say): what browsers do, as they cannot send `Authorization` on a WebSocket.
    /// It is sent in order with the subprotocols, and never accepted as the server's
    /// choice: a server that echoes it fails the handshake (a server reads it and answers
    /// a real subprotocol). The whole offer must be a token (base64url without padding
    /// is; `=` is not).
    ///
    /// ```
    /// use wshake_proto::client::ClientConfig;
    ///
    /// let config = ClientConfig::new()
    ///     .protocol("chat")?
    ///     .protocol_token("bearer.", "eyJhbGciOiJIUzI1NiJ9.e30.c2ln")?;
    /// assert_eq!(config.protocols(), ["chat"]);
    /// # Ok::<(), wshake_proto::LocalError>(())
    /// ```
    pub fn protocol_token(mut self, prefix: &str, token: &str) -> Result<Self, LocalError> {
        let offer = alloc::format!("{prefix}{token}");
        self.push_protocol(&offer)?;
        self.tokens.push(offer);
        Ok(self)
    }

    /// Without the credentials offered with [`protocol_token`](Self::protocol_token): a
    /// client following a redirect to another origin sends them no further.
    ///
    /// ```
    /// use wshake_proto::client::ClientConfig;
    ///
    /// let config = ClientConfig::new().protocol("chat")?.protocol_token("bearer.", "t0k")?;
    /// assert!(config.has_protocol_tokens());
    /// let config = config.without_protocol_tokens();
    /// assert!(!config.has_protocol_tokens());
    /// assert_eq!(config.protocols(), ["chat"]);
    /// # Ok::<(), wshake_proto::LocalError>(())
    /// ```
    #[must_use]
    pub fn without_protocol_tokens(mut self) -> Self {
        self.tokens.clear();
        self.protocol_list = self.protocols.join(", ");
        self
    }

    /// Whether credentials are offered as subprotocols.
    pub fn has_protocol_tokens(&self) -> bool {
        !self.tokens.is_empty()
    }

    /// Adds an offer to the `Sec-WebSocket-Protocol` value: a token, not offered before.
    fn push_protocol(&mut self, protocol: &str) -> Result<(), LocalError> {
        if !is_token(protocol.as_bytes()) {
            return Err(LocalError::InvalidProtocol);
        }
        if self
            .protocols
            .iter()
            .chain(&self.tokens)
            .any(|p| p == protocol)
        {
            return Err(LocalError::DuplicateProtocolOffer);
        }
        if !self.protocol_list.is_empty() {
            self.protocol_list.push_str(", ");
        }
        self.protocol_list.push_str(protocol);
        Ok(())
    }

    /// Offers permessage-deflate with these parameters. Several offers may be made; the
    /// first is preferred (D24).
    #[must_use]
    pub fn deflate(mut self, offer: DeflateOffer) -> Self {
        self.push_extension(&offer);
        self.deflate.push(offer);
        self
    }

    /// Offers other extensions, as a `Sec-WebSocket-Extensions` value (§9.1 syntax).
    pub fn extension(mut self, value: &str) -> Result<Self, LocalError> {
        if Extensions::parse(value.as_bytes()).is_none() {
            return Err(LocalError::InvalidExtensions);
        }
        self.push_extension(&value);
        Ok(self)
    }

    fn push_extension(&mut self, offer: &dyn fmt::Display) {
        if !self.extensions.is_empty() {
            self.extensions.push_str(", ");
        }
        // Writing into a `String` cannot fail.
        let _ = write!(self.extensions, "{offer}");
    }

    /// Sends `Origin` (C8: only when configured).
    pub fn origin(mut self, origin: &str) -> Result<Self, LocalError> {
        if origin.is_empty() || !is_field_value(origin.as_bytes()) {
            return Err(LocalError::InvalidOrigin);
        }
        self.origin = Some(origin.to_string());
        Ok(self)
    }

    /// Adds a header (cookies, authorization…). The handshake's own headers cannot be
    /// overridden; CR, LF and NUL are refused.
    pub fn header(mut self, name: &str, value: &str) -> Result<Self, LocalError> {
        check_extra(Message::Request, name, value)?;
        self.headers.push((name.to_string(), value.to_string()));
        Ok(self)
    }

    /// The headers added with [`header`](Self::header), in order.
    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }

    /// Keeps only the added headers for which `keep(name, value)` is true: a client
    /// following a redirect to another origin drops those that carry credentials.
    ///
    /// ```
    /// use wshake_proto::client::ClientConfig;
    ///
    /// let config = ClientConfig::new()
    ///     .header("Authorization", "Bearer abc")?
    ///     .header("X-Trace", "1")?
    ///     .retain_headers(|name, _| !name.eq_ignore_ascii_case("authorization"));
    /// assert_eq!(config.headers().collect::<Vec<_>>(), [("X-Trace", "1")]);
    /// # Ok::<(), wshake_proto::LocalError>(())
    /// ```
    #[must_use]
    pub fn retain_headers(mut self, mut keep: impl FnMut(&str, &str) -> bool) -> Self {
        self.headers.retain(|(name, value)| keep(name, value));
        self
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

    /// The subprotocols offered, in order (credentials offered with
    /// [`protocol_token`](Self::protocol_token) aside).
    pub fn protocols(&self) -> &[String] {
        &self.protocols
    }

    /// The extensions offered, in order (permessage-deflate offers included).
    pub fn extensions(&self) -> impl Iterator<Item = Extension<'_>> + Clone {
        Extensions::already_valid(self.extensions.as_bytes())
    }

    /// The permessage-deflate offers, in order.
    pub fn deflate_offers(&self) -> &[DeflateOffer] {
        &self.deflate
    }

    /// The headers this config adds to a request (C8, C9), in the order they are sent.
    pub(crate) fn offered_headers(&self) -> impl Iterator<Item = (&str, &str)> {
        let origin = self.origin.as_deref().map(|origin| ("Origin", origin));
        let protocols = (!self.protocol_list.is_empty())
            .then_some(("Sec-WebSocket-Protocol", self.protocol_list.as_str()));
        let extensions = (!self.extensions.is_empty())
            .then_some(("Sec-WebSocket-Extensions", self.extensions.as_str()));
        origin.into_iter().chain(protocols).chain(extensions).chain(
            self.headers
                .iter()
                .map(|(name, value)| (name.as_str(), value.as_str())),
        )
    }
}
