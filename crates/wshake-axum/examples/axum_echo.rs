//! An echo server on axum with the wshake extractor: every path upgrades, text and binary
//! messages are echoed through tokio-tungstenite.
//!
//! `cargo run -p wshake-axum --example axum_echo -- --listen 127.0.0.1:0 --protocol chat`
//! prints `listening on ws://IP:PORT/` first, then serves until stopped.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::response::Response;
use clap::Parser;
use futures_util::{SinkExt as _, StreamExt as _};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tower::ServiceExt as _;
use wshake_axum::wshake_proto::server::{OriginPolicy, ServerConfig};
use wshake_axum::{Handshake, HandshakeConfig, Upgraded};

/// The options every wshake echo server takes.
#[derive(Parser)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:9001")]
    listen: SocketAddr,
    /// A subprotocol the server speaks, in order of preference (repeatable).
    #[arg(long = "protocol", value_name = "NAME")]
    protocols: Vec<String>,
    /// An origin allowed besides the same origin (repeatable; `any` allows every origin).
    #[arg(long = "allow-origin", value_name = "ORIGIN|any")]
    allow_origins: Vec<String>,
    /// Seconds a client has to send its whole request head.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
}

async fn echo_handler(handshake: Handshake) -> Response {
    handshake.on_upgrade(|stream, _accepted| echo(stream))
}

/// Echoes text and binary messages until the client closes.
async fn echo(stream: Upgraded) {
    // A 4 KiB read buffer: tungstenite's default 128 KiB is allocated and zeroed per
    // connection (see wshake-tokio's `handoff` docs).
    let frames = WebSocketConfig::default().read_buffer_size(4096);
    let mut ws = WebSocketStream::from_raw_socket(stream, Role::Server, Some(frames)).await;
    while let Some(Ok(message)) = ws.next().await {
        if (message.is_text() || message.is_binary()) && ws.send(message).await.is_err() {
            break;
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    // `*` is every origin.
    let origins = args
        .allow_origins
        .iter()
        .fold(OriginPolicy::same_origin(), |policy, origin| {
            policy.allow(if origin == "any" { "*" } else { origin })
        });
    let config = ServerConfig::new()
        .protocols(args.protocols.iter().cloned())
        .origin_policy(origins);
    // Every path upgrades.
    let app: Router = Router::new()
        .fallback(echo_handler)
        .with_state(HandshakeConfig::from(config));
    let listener = TcpListener::bind(args.listen).await?;
    println!("listening on ws://{}/", listener.local_addr()?);
    // wshake-hyper's connection loop rather than `axum::serve`, for the head timeout.
    let timeout = Duration::from_secs(args.timeout);
    loop {
        let Ok((tcp, peer)) = listener.accept().await else {
            continue;
        };
        // The peer address for the origin policy's trusted proxies, as axum's
        // `into_make_service_with_connect_info` would give it.
        let app =
            app.clone()
                .map_request(move |mut request: hyper::Request<hyper::body::Incoming>| {
                    request.extensions_mut().insert(ConnectInfo(peer));
                    request.map(axum::body::Body::new)
                });
        tokio::spawn(async move {
            // HTTP/1.1 upgrades, and HTTP/2 extended CONNECT (cleartext, prior knowledge).
            let _ = wshake_hyper::Server::new()
                .header_read_timeout(timeout)
                .serve(tcp, false, TowerToHyperService::new(app))
                .await;
        });
    }
}
