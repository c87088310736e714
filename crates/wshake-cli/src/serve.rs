//! `wshake serve`: an echo server. The wshake handshake, then tokio-tungstenite frames.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use wshake_client::wshake_proto::server::{OriginPolicy, Request, ServerConfig};
use wshake_client::wshake_tokio::{self, Admitted, Answer, Options, PendingLimit, Served};

use crate::page;

/// `wshake serve` options.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:9001", value_parser = crate::parse_listen)]
    pub(crate) listen: SocketAddr,
    /// A subprotocol the server speaks, in order of preference (repeatable).
    #[arg(long = "protocol", value_name = "NAME")]
    protocols: Vec<String>,
    /// An origin allowed besides the same origin (repeatable; `any` allows every origin).
    #[arg(long = "allow-origin", value_name = "ORIGIN|any")]
    allow_origins: Vec<String>,
    /// Handshake timeout in seconds.
    #[arg(long, default_value_t = 10)]
    pub(crate) timeout: u64,
    /// A reverse proxy (IP address) trusted to forward the host and scheme the client
    /// addressed, in `Forwarded` or `X-Forwarded-Host`/`-Proto` (repeatable).
    #[arg(long = "trust-proxy", value_name = "IP")]
    trusted_proxies: Vec<IpAddr>,
    /// Serve `wss://` with this certificate chain (PEM), HTTP/1.1 and HTTP/2 (WebSockets
    /// as extended CONNECT) chosen by ALPN.
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key (PEM) of `--tls-cert`.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Require a client certificate issued by a CA in this PEM file (mutual TLS); the
    /// verified identity (the certificate's DNS names) is logged with each connection.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_client_ca: Option<PathBuf>,
    /// A host the server answers for besides the defaults, `host` or `host:port`
    /// (repeatable); others get 421. Default on a loopback address: `localhost`,
    /// `127.0.0.1` and `[::1]` with the listening port (against DNS rebinding); elsewhere
    /// every host.
    #[arg(long = "allow-host", value_name = "HOST")]
    allow_hosts: Vec<String>,
    /// Answer every `Host`, even on a loopback address.
    #[arg(long, conflicts_with = "allow_hosts")]
    any_host: bool,
    /// With TLS, serve HTTP/2 without advertising extended CONNECT: clients then open
    /// WebSockets over HTTP/1.1 (browsers on a connection of their own).
    #[arg(long, requires = "tls_cert")]
    no_http2_websockets: bool,
    /// Accept only handshakes that offer the subprotocol `bearer.TOKEN` beside a real
    /// one: the browser token pattern, `new WebSocket(url, ["chat", "bearer." + token])`
    /// (browsers cannot send `Authorization`). The token is never echoed; a missing or
    /// wrong one gets 401.
    #[arg(long, value_name = "TOKEN")]
    require_token: Option<String>,
    /// The most handshakes in progress at once (connections accepted, not yet upgraded or
    /// refused; an HTTP/2 connection until its first request); past it, new connections
    /// get `503` with `Retry-After: 1` (at most an eighth as many at once; beyond that they
    /// are closed) and are closed. Default: half the limit on open files (`ulimit -n`),
    /// between 16 and 65,536.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    max_pending: Option<u32>,
    /// Threads serving connections (default 1, the leanest per handshake where the
    /// clients share the cores; see benches/README.md). On Linux each thread has a runtime
    /// and a listener of its own on the same port (`SO_REUSEPORT`, the kernel spreads the
    /// connections), so a connection never leaves the thread that accepted it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub(crate) threads: Option<u16>,
    /// One work-stealing runtime with `--threads` workers and one listener, instead of a
    /// runtime and a listener per thread.
    #[arg(long)]
    pub(crate) shared_runtime: bool,
}

impl Args {
    /// Options listening on `listen` with defaults otherwise.
    pub(crate) fn on(listen: SocketAddr) -> Self {
        Self {
            listen,
            protocols: Vec::new(),
            allow_origins: Vec::new(),
            timeout: 10,
            trusted_proxies: Vec::new(),
            tls_cert: None,
            tls_key: None,
            tls_client_ca: None,
            allow_hosts: Vec::new(),
            any_host: false,
            no_http2_websockets: false,
            require_token: None,
            max_pending: None,
            threads: None,
            shared_runtime: false,
        }
    }

    /// The bound on handshakes in progress: see `--max-pending`.
    pub(crate) fn pending_limit(&self) -> PendingLimit {
        self.max_pending
            .map_or_else(PendingLimit::for_open_files, |max| {
                PendingLimit::new(max as usize)
            })
    }

    /// The TLS config of `--tls-cert` and `--tls-key`, if given.
    pub(crate) fn tls(&self) -> Result<Option<Arc<rustls::ServerConfig>>, String> {
        match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => {
                crate::tls::server_config(cert, key, self.tls_client_ca.as_deref()).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// The hosts answered for on `bound`: see `--allow-host`. `None`: every host.
    fn allowed_hosts(&self, bound: SocketAddr) -> Option<Vec<String>> {
        if self.any_host {
            return None;
        }
        let mut hosts = self.allow_hosts.clone();
        if bound.ip().is_loopback() {
            let port = bound.port();
            hosts.extend([
                format!("localhost:{port}"),
                format!("127.0.0.1:{port}"),
                format!("[::1]:{port}"),
            ]);
        }
        (!hosts.is_empty()).then_some(hosts)
    }

    fn config(&self, bound: SocketAddr) -> ServerConfig {
        let mut policy = OriginPolicy::same_origin();
        for origin in &self.allow_origins {
            policy = if origin == "any" {
                OriginPolicy::any()
            } else {
                policy.allow(origin)
            };
        }
        let config = ServerConfig::new()
            .protocols(self.protocols.iter().cloned())
            .origin_policy(policy)
            .trust_proxies(self.trusted_proxies.iter().copied());
        match self.allowed_hosts(bound) {
            Some(hosts) => config.allowed_hosts(hosts),
            None => config,
        }
    }
}

/// The answer to a valid request: the policies, after the token check of
/// `--require-token` (`token`).
pub(crate) fn answer(request: &Request<'_>, token: Option<&str>) -> Answer {
    match token {
        Some(token) if !same_secret(request.protocol_token("bearer."), token) => {
            Answer::reject(401).header("WWW-Authenticate", "Bearer")
        }
        _ => Answer::policy(),
    }
}

/// Whether `offered` is `secret`, in a time that does not depend on where they differ.
fn same_secret(offered: Option<&str>, secret: &str) -> bool {
    offered.is_some_and(|offered| {
        offered.len() == secret.len()
            && offered
                .bytes()
                .zip(secret.bytes())
                .fold(0u8, |differ, (a, b)| differ | (a ^ b))
                == 0
    })
}

/// The page's handshake with the `--require-token` token taken out: it is never sent
/// back, not even to the page that offered it.
pub(crate) fn redact_token(json: String, token: Option<&str>) -> String {
    match token {
        Some(token) => json.replace(&format!("bearer.{token}"), "bearer.(redacted)"),
        None => json,
    }
}

/// What every serving thread shares about admitting connections: the bound on handshakes
/// in progress; the smaller bound on 503s being written (an eighth of it: a flood past
/// the limit costs at most that many more sockets, each for under a second; beyond it,
/// connections are closed at once); and the current runs of failed accepts and of
/// refusals, so that each run is logged once whichever thread sees it.
#[derive(Clone)]
pub(crate) struct Admission {
    pub(crate) pending: PendingLimit,
    refusing: PendingLimit,
    failed_accepts: Arc<AtomicU64>,
    refused: Arc<AtomicU64>,
}

impl Admission {
    pub(crate) fn new(pending: PendingLimit) -> Self {
        Self {
            refusing: PendingLimit::new(pending.max() / 8),
            pending,
            failed_accepts: Arc::default(),
            refused: Arc::default(),
        }
    }
}

/// Accepts connections forever, each in its own task, at most `limit` of them with a
/// handshake in progress (past it, a 503); with `tls`, each TLS connection is HTTP/2 or
/// HTTP/1.1 as its ALPN chose. Failed accepts (out of file descriptors, say) wait and
/// try again, logged once per run of failures. `listener` comes from
/// [`serve_runtime::listen`](crate::serve_runtime::listen), whose `TCP_NODELAY` the
/// accepted sockets inherit.
pub(crate) async fn serve(
    listener: TcpListener,
    args: &Args,
    tls: Option<Arc<rustls::ServerConfig>>,
    admission: Admission,
) {
    let limit = &admission.pending;
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    // `serve_runtime::main` and the demo read it before: a bound listener has its address.
    let bound = listener
        .local_addr()
        .expect("the listener was bound and its address read");
    let config = Arc::new(args.config(bound));
    let options = Options::new().timeout(Duration::from_secs(args.timeout));
    let token: Option<Arc<str>> = args.require_token.as_deref().map(Arc::from);
    loop {
        let (socket, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            // One connection's trouble (reset before it was accepted): the next is fine.
            Err(error)
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::ConnectionAborted
                        | std::io::ErrorKind::ConnectionReset
                        | std::io::ErrorKind::Interrupted
                ) =>
            {
                continue;
            }
            // Out of descriptors or memory: wait for some to free up, without spinning.
            Err(error) => {
                if admission.failed_accepts.fetch_add(1, Ordering::Relaxed) == 0 {
                    tracing::warn!(%error, "accept failed; trying again every 50 ms");
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        // A load first: the common case writes nothing shared.
        if admission.failed_accepts.load(Ordering::Relaxed) > 0 {
            let failed_accepts = admission.failed_accepts.swap(0, Ordering::Relaxed);
            if failed_accepts > 0 {
                tracing::info!(failed_accepts, "accepting again");
            }
        }
        let Some(admitted) = limit.try_admit() else {
            if admission.refused.fetch_add(1, Ordering::Relaxed) == 0 {
                let max_pending = limit.max();
                tracing::warn!(
                    max_pending,
                    "too many handshakes in progress: new connections get 503"
                );
            }
            tracing::debug!(%peer, outcome = 503, "too many handshakes in progress");
            if let Some(refusal) = admission.refusing.try_admit() {
                tokio::spawn(async move {
                    wshake_tokio::refuse_busy(socket, Duration::from_secs(1)).await;
                    drop(refusal);
                });
            }
            continue;
        };
        if admission.refused.load(Ordering::Relaxed) > 0 {
            let refused = admission.refused.swap(0, Ordering::Relaxed);
            if refused > 0 {
                tracing::info!(refused, "handshakes admitted again");
            }
        }
        let config = Arc::clone(&config);
        let options = options.peer(peer.ip());
        let token = token.clone();
        if !crate::serve_runtime::ACCEPTED_NODELAY {
            let _ = socket.set_nodelay(true);
        }
        let Some(acceptor) = acceptor.clone() else {
            // Spawned as it is, not wrapped in an `async` block: a wrapper would hold the
            // arguments a second time in every pending handshake's task.
            tokio::spawn(connection(socket, peer, config, options, admitted, token));
            continue;
        };
        let timeout = Duration::from_secs(args.timeout);
        let extended_connect = !args.no_http2_websockets;
        tokio::spawn(async move {
            let tls = match tokio::time::timeout(timeout, acceptor.accept(socket)).await {
                Ok(Ok(tls)) => tls,
                Ok(Err(error)) => return tracing::info!(%peer, %error, "TLS handshake failed"),
                Err(_) => return tracing::info!(%peer, "TLS handshake timed out"),
            };
            // Verified by rustls against --tls-client-ca: who the client is.
            if let Some(leaf) = tls.get_ref().1.peer_certificates().and_then(|c| c.first()) {
                let client = crate::tls::client_identity(leaf);
                tracing::info!(%peer, %client, "client certificate verified");
            }
            if tls.get_ref().1.alpn_protocol() == Some(b"h2") {
                let h2 = crate::serve_h2::Options {
                    extended_connect,
                    token,
                    first_request_within: timeout,
                };
                crate::serve_h2::connection(tls, peer, config, h2, admitted).await;
            } else {
                connection(tls, peer, config, options, admitted, token).await;
            }
        });
    }
}

/// One HTTP/1.1 connection: the page or a handshake (counted by `admitted` until it
/// ends), then the echo.
async fn connection<S>(
    socket: S,
    peer: SocketAddr,
    config: Arc<ServerConfig>,
    options: Options,
    admitted: Admitted,
    token: Option<Arc<str>>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let plain = |path: &str| (path == "/").then(page::response);
    let result = wshake_tokio::accept_or_plain(
        socket,
        Arc::clone(&config),
        &options,
        async |request: &Request<'_>| answer(request, token.as_deref()),
        &plain,
    )
    .await;
    drop(admitted);
    let (accepted, upgraded) = match result {
        Ok(Served::Upgraded(accepted, upgraded)) => (accepted, upgraded),
        Ok(Served::Plain { path }) => {
            tracing::info!(%peer, %path, http = "HTTP/1.1", "200 page");
            return;
        }
        // Nothing else is served today; a later kind of outcome ends the connection.
        Ok(_) => return,
        Err(error) => {
            let status = error
                .handshake()
                .and_then(wshake_client::wshake_proto::Error::status)
                .or(matches!(error, wshake_tokio::Error::Local(_)).then_some(500))
                .or(match error {
                    wshake_tokio::Error::Rejected { status } => Some(status),
                    _ => None,
                })
                .map_or_else(|| "-".to_string(), |s| s.to_string());
            tracing::info!(%peer, http = "HTTP/1.1", outcome = %status, reason = %error, "handshake refused");
            return;
        }
    };
    crate::log::accepted(
        peer,
        accepted.request.view().path(),
        "HTTP/1.1",
        101,
        accepted.protocol.as_deref().unwrap_or("-"),
    );
    let request = accepted.request.view();
    let first = crate::handshake_json::wanted(request.query()).then(|| {
        redact_token(
            crate::handshake_json::http1(&config, request).to_string(),
            token.as_deref(),
        )
    });
    echo(upgraded, peer, first).await;
}

/// Echoes text and binary messages (server role) until the client closes, after sending
/// `first` (the page's handshake) when given.
pub(crate) async fn echo<S>(upgraded: S, peer: SocketAddr, first: Option<String>)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut ws = WebSocketStream::from_raw_socket(upgraded, Role::Server, Some(frames())).await;
    if let Some(first) = first {
        if ws.send(Message::text(first)).await.is_err() {
            return;
        }
    }
    while let Some(message) = ws.next().await {
        match message {
            Ok(message) if message.is_text() || message.is_binary() => {
                if ws.send(message).await.is_err() {
                    break;
                }
            }
            // Pings are answered and closes completed by tungstenite itself.
            Ok(_) => {}
            Err(error) => {
                tracing::debug!(%peer, %error, "connection ended");
                break;
            }
        }
    }
}

/// tungstenite's framing settings for an echo connection: a 4 KiB read buffer instead of
/// the default 128 KiB, which tungstenite zeroes on every read (a `memset` of 128 KiB and
/// a fresh `mmap` per connection: a quarter of the server's user time per handshake in
/// `perf`); larger messages still grow it as they arrive.
pub(crate) fn frames() -> WebSocketConfig {
    WebSocketConfig::default().read_buffer_size(4096)
}
