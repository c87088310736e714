//! The `Handshake` extractor: validation at extraction, the answer in the handler.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, LazyLock};

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use hyper::upgrade::OnUpgrade;
use wshake_hyper::Upgraded;
use wshake_hyper::wshake_proto::extensions::DeflateParams;
use wshake_hyper::wshake_proto::server::{Answer, Incoming, OwnedRequest, Request, ServerConfig};

use crate::Rejection;

/// The policies a [`Handshake`] applies: from the router's state (`FromRef`), or from an
/// `Extension` layer, which wins. Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct HandshakeConfig(Arc<ServerConfig>);

impl HandshakeConfig {
    /// The config.
    pub fn get(&self) -> &ServerConfig {
        &self.0
    }
}

impl From<ServerConfig> for HandshakeConfig {
    fn from(config: ServerConfig) -> Self {
        Self(Arc::new(config))
    }
}

impl From<Arc<ServerConfig>> for HandshakeConfig {
    fn from(config: Arc<ServerConfig>) -> Self {
        Self(config)
    }
}

/// A router without state uses the default config (same-origin, no subprotocols): one,
/// shared, so that a request costs no allocation for it.
impl FromRef<()> for HandshakeConfig {
    fn from_ref((): &()) -> Self {
        static DEFAULT: LazyLock<HandshakeConfig> = LazyLock::new(HandshakeConfig::default);
        DEFAULT.clone()
    }
}

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
    answer: Answer,
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
        let request = wshake_hyper::validate_parts(config.get(), parts)
            .map_err(|error| Rejection::Handshake {
                error,
                version: parts.version,
            })?
            .request()
            .into_owned();
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
            answer: Answer::policy(),
        })
    }
}

impl Handshake {
    /// The validated request: path, query, headers, offered subprotocols and extensions.
    pub fn request(&self) -> Request<'_> {
        self.request.view()
    }

    /// The address the connection came from, when the app was served with
    /// `ConnectInfo<SocketAddr>`.
    pub fn peer(&self) -> Option<SocketAddr> {
        self.peer
    }

    /// Answers with `answer` instead of every configured policy ([`Answer::policy`]):
    /// a rejection (401, 404…), or an acceptance that chooses for itself.
    pub fn answer(mut self, answer: Answer) -> Self {
        self.answer = answer;
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
        match wshake_hyper::respond(incoming, &answer, on_upgrade) {
            Ok((response, pending)) => {
                tokio::spawn(async move {
                    if let Ok(upgraded) = pending.await {
                        let accepted = Accepted {
                            protocol: upgraded.protocol().map(str::to_string),
                            deflate: upgraded.deflate(),
                            request,
                        };
                        callback(upgraded, accepted).await;
                    }
                });
                // A 101 has no body: an empty `Body` needs no box.
                response.map(|_| Body::empty())
            }
            Err(refused) => refused.into_response().map(Body::new).into_response(),
        }
    }
}

/// What the handshake agreed, for the task that owns the upgraded stream.
#[derive(Debug)]
pub struct Accepted {
    protocol: Option<String>,
    deflate: Option<DeflateParams>,
    request: OwnedRequest,
}

impl Accepted {
    /// The subprotocol agreed.
    pub fn protocol(&self) -> Option<&str> {
        self.protocol.as_deref()
    }

    /// The permessage-deflate parameters agreed: the framing library must use them.
    pub fn deflate(&self) -> Option<DeflateParams> {
        self.deflate
    }

    /// The request that was accepted.
    pub fn request(&self) -> Request<'_> {
        self.request.view()
    }
}
