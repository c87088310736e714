//! The server side: accept a handshake over a stream, with the configured policies or the
//! application's (possibly awaited) answer, and optionally serve plain pages. The loop
//! that drives the machine is in `drive.rs`; every rule and response is the proto
//! machine's.

mod drive;

use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite};
use wshake_proto::extensions::DeflateParams;
use wshake_proto::server::{OwnedRequest, Request, ServerConfig};

use crate::{Answer, Error, Options, Upgraded};
use drive::serve;

/// A completed server handshake.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// The request, owned (one copy of its head).
    pub request: OwnedRequest,
    /// The subprotocol answered.
    pub protocol: Option<String>,
    /// The permessage-deflate parameters answered.
    pub deflate: Option<DeflateParams>,
}

/// What [`accept_or_plain`] did with a connection.
#[allow(
    clippy::large_enum_variant,
    reason = "returned once per connection and moved on: boxing would only add an allocation"
)]
#[non_exhaustive]
#[derive(Debug)]
pub enum Served<IO> {
    /// A WebSocket handshake completed.
    Upgraded(Accepted, Upgraded<IO>),
    /// A plain HTTP `GET` was answered by the page handler and the connection closed.
    Plain {
        /// The path requested.
        path: String,
    },
}

/// Answers a plain HTTP request (a `GET` with neither `Upgrade` nor `Sec-WebSocket-Key`):
/// given the path, a complete HTTP response to send, or `None` for the handshake's 400.
pub type PlainHttp = dyn Fn(&str) -> Option<Vec<u8>> + Send + Sync;

/// Who answers plain HTTP requests, and what serving one yields: nothing can be served
/// by [`NoPages`], so [`accept_with`] has no page outcome to handle.
pub(super) trait Pages {
    type Served;

    /// The response for a plain `GET` of `path`, and what serving it yields.
    fn page(&self, path: &str) -> Option<(Vec<u8>, Self::Served)>;
}

pub(super) struct NoPages;

impl Pages for NoPages {
    type Served = std::convert::Infallible;

    fn page(&self, _: &str) -> Option<(Vec<u8>, Self::Served)> {
        None
    }
}

/// The pages of [`accept_or_plain`]'s handler.
pub(super) struct Handler<'p>(pub(super) &'p PlainHttp);

impl Pages for Handler<'_> {
    type Served = String;

    fn page(&self, path: &str) -> Option<(Vec<u8>, String)> {
        (self.0)(path).map(|response| (response, path.to_string()))
    }
}

/// Accepts a handshake with the configured policies.
///
/// On a bad request the right HTTP error is written, the write side shut down and the
/// typed error returned; nothing is left half-open.
pub async fn accept<IO>(
    io: IO,
    config: impl Into<Arc<ServerConfig>>,
    options: &Options,
) -> Result<(Accepted, Upgraded<IO>), Error>
where
    IO: AsyncRead + AsyncWrite + Unpin,
{
    accept_with(io, config, options, async |_: &Request<'_>| {
        Answer::policy()
    })
    .await
}

/// Accepts a handshake, asking `decide` (which may await a database or an auth service)
/// once the request is valid and before anything is written.
pub async fn accept_with<IO, F>(
    io: IO,
    config: impl Into<Arc<ServerConfig>>,
    options: &Options,
    decide: F,
) -> Result<(Accepted, Upgraded<IO>), Error>
where
    IO: AsyncRead + AsyncWrite + Unpin,
    F: AsyncFnOnce(&Request<'_>) -> Answer,
{
    match serve(io, config.into(), options, decide, NoPages).await? {
        (Ok(accepted), upgraded) => Ok((accepted, upgraded)),
        (Err(never), _) => match never {},
    }
}

/// Like [`accept_with`], and a plain HTTP `GET` (a browser opening the page, a health
/// check) goes to `plain`, which may answer it with a page.
pub async fn accept_or_plain<IO, F>(
    io: IO,
    config: impl Into<Arc<ServerConfig>>,
    options: &Options,
    decide: F,
    plain: &PlainHttp,
) -> Result<Served<IO>, Error>
where
    IO: AsyncRead + AsyncWrite + Unpin,
    F: AsyncFnOnce(&Request<'_>) -> Answer,
{
    Ok(
        match serve(io, config.into(), options, decide, Handler(plain)).await? {
            (Ok(accepted), upgraded) => Served::Upgraded(accepted, upgraded),
            (Err(path), _) => Served::Plain { path },
        },
    )
}
