//! Serving a connection that carries WebSockets: HTTP/1.1 with upgrades and HTTP/2 with
//! extended CONNECT on one port, hyper-util's automatic builder told the rest.

use std::error::Error as StdError;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use http::{Request, Response};
use hyper::body::{Body, Incoming};
use hyper::service::Service;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite};

use crate::Tls;

/// What a connection-serving error is: hyper-util's boxed error.
pub type ServeError = Box<dyn StdError + Send + Sync>;

/// Serves connections for a service that accepts WebSockets (hyper-util's automatic
/// builder, set up for them): HTTP/1.1 with upgrades, and HTTP/2 advertising `SETTINGS_ENABLE_CONNECT_PROTOCOL` (RFC 8441 §3, E30) so that
/// clients may open WebSockets as extended CONNECT streams. The version is the client's
/// (by ALPN under TLS, which only selects what the client then sends, or by the HTTP/2
/// preface in cleartext). Every request carries a [`Tls`] extension, so that
/// [`accept`](crate::accept) checks an HTTP/2 `:scheme` against the connection.
///
/// Browsers take the setting as a promise that WebSockets are served over the connection
/// (Go's net/http stopped sending it by default for that reason): serve with this only the
/// connections whose service has WebSocket routes, and plain HTTP with hyper's own
/// builders.
///
/// ```no_run
/// # async fn run(tcp: tokio::net::TcpStream) -> Result<(), wshake_hyper::ServeError> {
/// use std::convert::Infallible;
/// use hyper::service::service_fn;
/// use wshake_hyper::wshake_proto::server::ServerConfig;
///
/// let config = std::sync::Arc::new(ServerConfig::new());
/// let service = service_fn(move |mut request| {
///     let config = config.clone();
///     async move {
///         Ok::<_, Infallible>(match wshake_hyper::accept(&config, &mut request) {
///             Ok((response, upgrade)) => {
///                 tokio::spawn(async move { drop(upgrade.await) }); // a framing library here
///                 response
///             }
///             Err(refused) => refused.into_response(),
///         })
///     }
/// });
/// wshake_hyper::Server::new().serve(tcp, false, service).await
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Server {
    extended_connect: bool,
    header_read_timeout: Option<Duration>,
}

impl Default for Server {
    fn default() -> Self {
        Self::new()
    }
}

impl Server {
    /// HTTP/1.1 (with upgrades, hyper's default 30 s head timeout) and HTTP/2 (with
    /// extended CONNECT).
    pub fn new() -> Self {
        Self {
            extended_connect: true,
            header_read_timeout: None,
        }
    }

    /// The time a client has to send an HTTP/1.1 request head; then the connection is
    /// closed.
    #[must_use]
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = Some(timeout);
        self
    }

    /// Whether HTTP/2 advertises extended CONNECT (the default). Without it, clients open
    /// WebSockets over HTTP/1.1 only (browsers on a connection of its own): for a
    /// connection whose service has no WebSocket route, or to compare.
    #[must_use]
    pub fn extended_connect(mut self, enabled: bool) -> Self {
        self.extended_connect = enabled;
        self
    }

    fn builder(&self) -> auto::Builder<TokioExecutor> {
        let mut builder = auto::Builder::new(TokioExecutor::new());
        let mut http1 = builder.http1();
        http1.timer(TokioTimer::new());
        if let Some(timeout) = self.header_read_timeout {
            http1.header_read_timeout(timeout);
        }
        let mut http2 = builder.http2();
        http2.timer(TokioTimer::new());
        if self.extended_connect {
            http2.enable_connect_protocol();
        }
        builder
    }

    /// Serves `io` (TCP, or TLS once the handshake is done: `tls` says which) with
    /// `service` until the client is done.
    pub async fn serve<I, S, B>(&self, io: I, tls: bool, service: S) -> Result<(), ServeError>
    where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
        S: Service<Request<Incoming>, Response = Response<B>> + Send + 'static,
        S::Future: Send + 'static,
        S::Error: Into<ServeError>,
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<ServeError>,
    {
        self.builder()
            .serve_connection_with_upgrades(TokioIo::new(io), WithTls { service, tls })
            .await
    }
}

/// A service that inserts [`Tls`] into each request before `service` sees it.
struct WithTls<S> {
    service: S,
    tls: bool,
}

impl<S, B> Service<Request<Incoming>> for WithTls<S>
where
    S: Service<Request<Incoming>, Response = Response<B>>,
    S::Future: Send + 'static,
{
    type Response = Response<B>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<B>, S::Error>> + Send>>;

    fn call(&self, mut request: Request<Incoming>) -> Self::Future {
        request.extensions_mut().insert(Tls(self.tls));
        Box::pin(self.service.call(request))
    }
}
