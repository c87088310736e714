//! `wshake serve`: an echo server. The wshake handshake, then tokio-tungstenite frames.

use std::io::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::Role;
use wshake_client::wshake_proto::server::{OriginPolicy, Request, ServerConfig};
use wshake_client::wshake_tokio::{self, Answer, Options, Served};

use crate::page;

/// `wshake serve` options.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:9001", value_parser = crate::parse_listen)]
    listen: SocketAddr,
    /// A subprotocol the server speaks, in order of preference (repeatable).
    #[arg(long = "protocol", value_name = "NAME")]
    protocols: Vec<String>,
    /// An origin allowed besides the same origin (repeatable; `any` allows every origin).
    #[arg(long = "allow-origin", value_name = "ORIGIN|any")]
    allow_origins: Vec<String>,
    /// Handshake timeout in seconds.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
    /// A reverse proxy (IP address) trusted to forward the host and scheme the client
    /// addressed, in `Forwarded` or `X-Forwarded-Host`/`-Proto` (repeatable).
    #[arg(long = "trust-proxy", value_name = "IP")]
    trusted_proxies: Vec<IpAddr>,
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
        }
    }

    fn config(&self) -> ServerConfig {
        let mut policy = OriginPolicy::same_origin();
        for origin in &self.allow_origins {
            policy = if origin == "any" {
                OriginPolicy::any()
            } else {
                policy.allow(origin)
            };
        }
        ServerConfig::new()
            .protocols(self.protocols.iter().cloned())
            .origin_policy(policy)
            .trust_proxies(self.trusted_proxies.iter().copied())
    }
}

pub(crate) async fn run(args: Args) -> ExitCode {
    init_logging();
    let listener = match TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("wshake: cannot listen on {}: {error}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    let Ok(address) = listener.local_addr() else {
        eprintln!("wshake: cannot read the listening address");
        return ExitCode::FAILURE;
    };
    println!("listening on ws://{address}/");
    let _ = std::io::stdout().flush();
    tokio::select! {
        () = serve(listener, &args) => ExitCode::SUCCESS,
        _ = tokio::signal::ctrl_c() => ExitCode::SUCCESS,
    }
}

/// Accepts connections forever, each in its own task.
pub(crate) async fn serve(listener: TcpListener, args: &Args) {
    let config = Arc::new(args.config());
    let options = Options::new().timeout(Duration::from_secs(args.timeout));
    loop {
        let (socket, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let config = Arc::clone(&config);
        let options = options.peer(peer.ip());
        tokio::spawn(async move { connection(socket, peer, config, options).await });
    }
}

async fn connection(
    socket: TcpStream,
    peer: SocketAddr,
    config: Arc<ServerConfig>,
    options: Options,
) {
    let _ = socket.set_nodelay(true);
    let plain = |path: &str| (path == "/").then(page::response);
    let result = wshake_tokio::accept_or_plain(
        socket,
        config,
        &options,
        async |_: &Request<'_>| Answer::policy(),
        &plain,
    )
    .await;
    let (accepted, upgraded) = match result {
        Ok(Served::Upgraded(accepted, upgraded)) => (accepted, upgraded),
        Ok(Served::Plain { path }) => {
            tracing::info!(%peer, %path, "200 page");
            return;
        }
        // Nothing else is served today; a later kind of outcome ends the connection.
        Ok(_) => return,
        Err(error) => {
            let status = error
                .handshake()
                .and_then(wshake_client::wshake_proto::Error::status)
                .or(matches!(error, wshake_tokio::Error::Local(_)).then_some(500))
                .map_or_else(|| "-".to_string(), |s| s.to_string());
            tracing::info!(%peer, outcome = %status, reason = %error, "handshake refused");
            return;
        }
    };
    tracing::info!(
        %peer,
        path = %accepted.request.view().path(),
        outcome = "101",
        protocol = accepted.protocol.as_deref().unwrap_or("-"),
        "handshake accepted"
    );
    let mut ws = WebSocketStream::from_raw_socket(upgraded, Role::Server, None).await;
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

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}
