//! `wshake serve` over HTTP/2 (a TLS connection whose ALPN chose `h2`): the page on
//! `GET /`, and every extended CONNECT answered by wshake-hyper with the same config,
//! then echoed like the HTTP/1.1 connections.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hyper::service::service_fn;
use tokio::io::{AsyncRead, AsyncWrite};
use wshake_client::wshake_proto::server::{Request, ServerConfig};
use wshake_client::wshake_tokio::Admitted;

use crate::{page, serve};

/// How an HTTP/2 connection is served.
pub(crate) struct Options {
    /// Advertise extended CONNECT (WebSockets over HTTP/2).
    pub(crate) extended_connect: bool,
    /// `--require-token`.
    pub(crate) token: Option<Arc<str>>,
    /// A connection without a request by then is closed.
    pub(crate) first_request_within: Duration,
}

/// Serves one HTTP/2 connection (its streams, until the client is done). It counts as a
/// pending handshake (`admitted`) until its first request; one without a request within
/// the handshake timeout is closed.
pub(crate) async fn connection<S>(
    stream: S,
    peer: SocketAddr,
    config: Arc<ServerConfig>,
    options: Options,
    admitted: Admitted,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let Options {
        extended_connect,
        token,
        first_request_within,
    } = options;
    let pending = Arc::new(Mutex::new(Some(admitted)));
    let waiting = Arc::clone(&pending);
    let service = service_fn(move |mut request: http::Request<hyper::body::Incoming>| {
        // A request came: the connection is serving, no longer pending.
        waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let config = Arc::clone(&config);
        let token = token.clone();
        async move {
            let page = request.method() == http::Method::GET && request.uri().path() == "/";
            if page {
                tracing::info!(%peer, path = "/", http = "HTTP/2", "200 page");
                return Ok::<_, Infallible>(page::http_response());
            }
            let path = request.uri().path().to_string();
            // The page's handshake, when it asks: the request as received.
            let handshake = crate::handshake_json::wanted(request.uri().query())
                .then(|| wshake_hyper::validate(&config, &request).ok())
                .flatten()
                .map(|incoming| incoming.request().into_owned());
            let decide = async |request: &Request<'_>| serve::answer(request, token.as_deref());
            Ok(
                match wshake_hyper::accept_with(&config, &mut request, decide).await {
                    Ok((response, upgrade)) => {
                        let first = handshake.map(|request| {
                            let status = response.status().as_u16();
                            let json = crate::handshake_json::http2(
                                request.view(),
                                response.headers(),
                                status,
                            );
                            serve::redact_token(json.to_string(), token.as_deref())
                        });
                        let protocol = upgrade.protocol().unwrap_or("-");
                        crate::log::accepted(peer, &path, "HTTP/2", 200, protocol);
                        tokio::spawn(async move {
                            if let Ok(upgraded) = upgrade.await {
                                serve::echo(upgraded, peer, first).await;
                            }
                        });
                        response
                    }
                    Err(refused) => {
                        tracing::info!(
                            %peer, http = "HTTP/2", outcome = %refused.status().as_u16(),
                            reason = %refused, "handshake refused"
                        );
                        refused.into_response()
                    }
                },
            )
        }
    });
    let server = wshake_hyper::Server::new().extended_connect(extended_connect);
    let serving = server.serve(stream, true, service);
    let mut serving = std::pin::pin!(serving);
    let ended = tokio::select! {
        ended = &mut serving => ended,
        () = tokio::time::sleep(first_request_within) => {
            let idle = pending.lock().unwrap_or_else(PoisonError::into_inner).is_some();
            if idle {
                return tracing::info!(%peer, http = "HTTP/2", "no request in time: closed");
            }
            serving.await
        }
    };
    if let Err(error) = ended {
        tracing::debug!(%peer, %error, "HTTP/2 connection ended");
    }
}
