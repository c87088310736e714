//! An echo server on hyper 1.x with the wshake handshake: every path upgrades (HTTP/1.1,
//! or HTTP/2 extended CONNECT with prior knowledge), text and binary messages are echoed
//! through tokio-tungstenite.
//!
//! `cargo run -p wshake-hyper --example hyper_echo -- --listen 127.0.0.1:0 --protocol chat`
//! prints `listening on ws://IP:PORT/` first, then serves until stopped.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use futures_util::{SinkExt as _, StreamExt as _};
use hyper::service::service_fn;
use tokio::net::TcpListener;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use wshake_hyper::wshake_proto::server::{OriginPolicy, ServerConfig};

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
    let config = Arc::new(
        ServerConfig::new()
            .protocols(args.protocols.iter().cloned())
            .origin_policy(origins),
    );
    let listener = TcpListener::bind(args.listen).await?;
    println!("listening on ws://{}/", listener.local_addr()?);
    let timeout = Duration::from_secs(args.timeout);
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            continue;
        };
        let config = Arc::clone(&config);
        tokio::spawn(async move {
            let service = service_fn(move |mut request| {
                let config = Arc::clone(&config);
                async move {
                    Ok::<_, Infallible>(match wshake_hyper::accept(&config, &mut request) {
                        Ok((response, upgrade)) => {
                            tokio::spawn(async move {
                                if let Ok(upgraded) = upgrade.await {
                                    echo(upgraded).await;
                                }
                            });
                            response
                        }
                        Err(refused) => refused.into_response(),
                    })
                }
            });
            // HTTP/1.1 upgrades, and HTTP/2 extended CONNECT (cleartext, prior knowledge).
            let _ = wshake_hyper::Server::new()
                .header_read_timeout(timeout)
                .serve(tcp, false, service)
                .await;
        });
    }
}

/// Echoes text and binary messages until the client closes.
async fn echo(upgraded: wshake_hyper::Upgraded) {
    // A 4 KiB read buffer: tungstenite's default 128 KiB is allocated and zeroed per
    // connection (see wshake-tokio's `handoff` docs).
    let frames = WebSocketConfig::default().read_buffer_size(4096);
    let mut ws = WebSocketStream::from_raw_socket(upgraded, Role::Server, Some(frames)).await;
    while let Some(Ok(message)) = ws.next().await {
        if (message.is_text() || message.is_binary()) && ws.send(message).await.is_err() {
            break;
        }
    }
}
