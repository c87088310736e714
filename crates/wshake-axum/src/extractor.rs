//! The `Handshake` extractor: validation at extraction, the answer in the handler.

use std::borrow::Cow;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, LazyLock};

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use hyper::upgrade::OnUpgrade;
use wshake_hyper::Upgraded;
use wshake_hyper::wshake_proto::extensions::{DeflateParams, Extension};
use wshake_hyper::wshake_proto::server::{Answer, Incoming, OwnedRequest, Request, ServerConfig};

use crate::Rejection;
use crate::handover::Handover;

/// The policies a [`Handshake`] applies: from the router's state (`FromRef`), or from an
/// `Extension` layer, which wins. Cheap to clone.
#[derive(Clone, Debug)]
pub struct HandshakeConfig(Shared);

/// A config shared by counting, or the one default every stateless router uses (no
/// count to change per request).
#[derive(Clone, Debug)]
enum Shared {
    Counted(Arc<ServerConfig>),
    Default(&'static ServerConfig),
}

impl HandshakeConfig {
    /// The config.
    pub fn get(&self) -> &ServerConfig {
        match &self.0 {
            Shared::Counted(config) => config,
            Shared::Default(config) => config,
        }
    }
}

/// The default config (same-origin, no subprotocols), shared.
impl Default for HandshakeConfig {
    fn default() -> Self {
        static DEFAULT: LazyLock<ServerConfig> = LazyLock::new(ServerConfig::default);
        Self(Shared::Default(&DEFAULT))
    }
}

impl From<ServerConfig> for HandshakeConfig {
    fn from(config: ServerConfig) -> Self {
        Self(Shared::Counted(Arc::new(config)))
    }
}

impl From<Arc<ServerConfig>> for HandshakeConfig {
    fn from(config: Arc<ServerConfig>) -> Self {
        Self(Shared::Counted(config))
    }
}

/// A router without state uses the default config (same-origin, no subprotocols): one,
/// shared, so that a request costs neither an allocation nor a count for it.
impl FromRef<()> for HandshakeConfig {
    fn from_ref((): &()) -> Self {
        Self::default()
    }
}

/// The answer of a handler that gives none.
static POLICY: Answer = Answer::policy();

/// A valid WebSocket upgrade request, extracted: answer it in the handler with
/// [`on_upgrade`](Self::on_upgrade) (every configured policy, or the [`Answer`] given to
/// [`answer`](Self::answer)), after any await the decision needs.
#[derive(Debug)]
#[must_use = "a handshake is answered by returning on_upgrade's response"]
pub struct Handshake {
    config: HandshakeConfig,
    request: OwnedRequest,
    peer: Option<SocketAddr>,
    on_upgrade: OnUpgrade,
    /// `None`: every configured policy ([`Answer::policy`]), nothing to build or drop.
    answer: Option<Answer>,
}

impl<S> FromRequestParts<S> for Handshake
where
    HandshakeConfig: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let config = match parts.extensions.get::<HandshakeConfig>() {
            Some(config) => config.clone(),
            None => HandshakeConfig::from_ref(state),
        };
        let request =
            wshake_hyper::validate_parts_for_answer(config.get(), parts).map_err(|error| {
                Rejection::Handshake {
                    error,
                    version: parts.version,
                }
            })?;
        let on_upgrade = parts
            .extensions
            .remove::<OnUpgrade>()
            .ok_or(Rejection::NotUpgradable)?;
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| *peer);
        Ok(Self {
            config,
            request,
            peer,
            on_upgrade,
            answer: None,
        })
    }
}

/// What the request asked for, read while deciding. For any other header, take axum's
/// `HeaderMap` (or a `TypedHeader`) beside the `Handshake`: the extractor keeps only what
/// answering reads, not a copy of every line.
impl Handshake {
    /// Whether the request is an HTTP/2 extended CONNECT (RFC 8441) rather than an
    /// HTTP/1.1 upgrade.
    pub fn is_http2(&self) -> bool {
        self.view().is_http2()
    }

    /// The method: `GET` over HTTP/1.1, `CONNECT` over HTTP/2.
    pub fn method(&self) -> &str {
        self.view().method()
    }

    /// The path, e.g. `/chat`.
    pub fn path(&self) -> &str {
        self.view().path()
    }

    /// The query, without `?`, if any.
    pub fn query(&self) -> Option<&str> {
        self.view().query()
    }

    /// The first value of the query parameter `name`, percent-decoded (see
    /// [`Request::query_param`]).
    pub fn query_param(&self, name: &str) -> Option<Cow<'_, str>> {
        self.view().query_param(name)
    }

    /// The host the request names (`Host`, or `:authority` over HTTP/2).
    pub fn host(&self) -> &str {
        self.view().host()
    }

    /// The `Origin` value, if sent.
    pub fn origin(&self) -> Option<&[u8]> {
        self.view().origin()
    }

    /// The offered subprotocols, in the client's order, across every line.
    pub fn protocols(&self) -> impl Iterator<Item = &str> {
        self.view().protocols()
    }

    /// Whether the client offered this subprotocol (compared exactly).
    pub fn offers_protocol(&self, protocol: &str) -> bool {
        self.view().offers_protocol(protocol)
    }

    /// The rest of the first offered subprotocol that starts with `prefix` (a browser's
    /// way to send a token, see [`Request::protocol_token`]).
    pub fn protocol_token(&self, prefix: &str) -> Option<&str> {
        self.view().protocol_token(prefix)
    }

    /// The offered extensions, in the client's order, across every line.
    pub fn extensions(&self) -> impl Iterator<Item = Extension<'_>> {
        self.view().extensions()
    }

    fn view(&self) -> Request<'_> {
        self.request.view()
    }
}

impl Handshake {
    /// The address the connection came from, when the app was served with
    /// `ConnectInfo<SocketAddr>`.
    pub fn peer(&self) -> Option<SocketAddr> {
        self.peer
    }

    /// Answers with `answer` instead of every configured policy ([`Answer::policy`]):
    /// a rejection (401, 404…), or an acceptance that chooses for itself.
    pub fn answer(mut self, answer: Answer) -> Self {
        self.answer = Some(answer);
        self
    }

    /// The response to return from the handler: the 101, after which `callback` gets the
    /// upgraded stream (in a task of its own), or the refusal (a policy's, the answer's,
    /// or a 500 for an answer that cannot be sent).
    pub fn on_upgrade<F, Fut>(self, callback: F) -> Response
    where
        F: FnOnce(Upgraded, Accepted) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let Self {
            config,
            request,
            peer,
            on_upgrade,
            answer,
        } = self;
        let mut incoming = Incoming::validated(config.get(), request.view());
        if let Some(peer) = peer {
            incoming = incoming.peer(peer.ip());
        }
        let answer = answer.as_ref().unwrap_or(&POLICY);
        match wshake_hyper::respond(incoming, answer, on_upgrade) {
            Ok((response, pending)) => {
                tokio::spawn(Handover::new(pending, callback));
                // A 101 has no body: an empty `Body` needs no box.
                response.map(|_| Body::empty())
            }
            Err(refused) => refused.into_response().map(Body::new).into_response(),
        }
    }
}

/// What the handshake agreed, for the task that owns the upgraded stream. What the task
/// needs of the request (the path, a header), the callback captures from the handler.
#[derive(Debug)]
pub struct Accepted {
    protocol: Option<String>,
    deflate: Option<DeflateParams>,
}

impl Accepted {
    /// What `upgraded` carries of the agreement.
    pub(crate) fn new(upgraded: &Upgraded) -> Self {
        Self {
            protocol: upgraded.protocol().map(str::to_string),
            deflate: upgraded.deflate(),
        }
    }

    /// The subprotocol agreed.
    pub fn protocol(&self) -> Option<&str> {
        self.protocol.as_deref()
    }

    /// The permessage-deflate parameters agreed: the framing library must use them.
    pub fn deflate(&self) -> Option<DeflateParams> {
        self.deflate
    }
}
