//! The baseline for issue 14: an echo server on axum's own
//! `axum::extract::ws::WebSocketUpgrade`, written the way an axum user writes one. What
//! axum does by itself, measured with `wshake check` in `docs/axum.md`.
//!
//! ```sh
//! cargo run -p wshake-benches --example axum_builtin_echo -- --listen 127.0.0.1:0 --protocol chat
//! # listening on ws://127.0.0.1:PORT/
//! target/debug/wshake check ws://127.0.0.1:PORT/
//! ```
//!
//! The command line is the same black-box contract as `wshake serve`: `--listen ADDR`
//! (port 0 picks a free port), the first stdout line is `listening on ws://IP:PORT/`,
//! `--protocol NAME` (repeatable, in order of preference), `--allow-origin ORIGIN|any`
//! (repeatable) and `--timeout SECS`. Every path upgrades; text and binary messages are
//! echoed. `benches/axum/measure.sh` runs the comparison.

use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use clap::Parser;

/// An echo server on axum's built-in `WebSocketUpgrade`.
#[derive(Debug, Parser)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:9001")]
    listen: SocketAddr,
    /// A subprotocol the server speaks, in order of preference (repeatable).
    #[arg(long = "protocol", value_name = "NAME")]
    protocols: Vec<String>,
    /// Accepted for the shared contract and ignored: axum does not check `Origin`.
    #[arg(long = "allow-origin", value_name = "ORIGIN|any")]
    allow_origins: Vec<String>,
    /// Accepted for the shared contract and ignored: axum has no handshake timeout.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
}

#[derive(Clone)]
struct Protocols(Arc<[String]>);

#[tokio::main]
async fn main() {
    let args = Args::parse();
    // `--allow-origin`: axum's `WebSocketUpgrade` never reads `Origin` (its extractor looks
    // at the method, `Connection`, `Upgrade`, `Sec-WebSocket-Key`, `Sec-WebSocket-Version`
    // and `Sec-WebSocket-Protocol` only) and axum ships no origin policy. An axum user who
    // wants one writes it in the handler; this baseline does what axum does: nothing.
    let _ = &args.allow_origins;
    // `--timeout`: `axum::serve` builds hyper-util's connection builder itself, exposes no
    // setting, and sets no timer, so hyper's default 30 s `header_read_timeout` is inert
    // (hyper: "timeout `header_read_timeout` has default, but no timer set"). axum has no
    // handshake timeout; a request head that never ends holds its connection forever.
    let _ = args.timeout;

    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!(
                "axum_builtin_echo: cannot listen on {}: {error}",
                args.listen
            );
            std::process::exit(1);
        }
    };
    let address = listener
        .local_addr()
        .expect("a bound listener has an address");
    println!("listening on ws://{address}/");
    let _ = std::io::stdout().flush();

    // One handler for every path and every method: a plain `GET` without the upgrade
    // headers gets axum's rejection too.
    let app = Router::new()
        .fallback(upgrade)
        .with_state(Protocols(args.protocols.into()));
    if let Err(error) = axum::serve(listener, app).await {
        eprintln!("axum_builtin_echo: {error}");
        std::process::exit(1);
    }
}

/// The handler as axum's documentation writes it: the extractor validates the request (or
/// answers axum's rejection), `protocols` picks the first of ours the client offered.
async fn upgrade(State(protocols): State<Protocols>, ws: WebSocketUpgrade) -> Response {
    ws.protocols(protocols.0.iter().cloned()).on_upgrade(echo)
}

/// Echoes every text and binary message; tungstenite answers pings and closes itself.
async fn echo(mut socket: WebSocket) {
    while let Some(Ok(message)) = socket.recv().await {
        if matches!(message, Message::Text(_) | Message::Binary(_))
            && socket.send(message).await.is_err()
        {
            break;
        }
    }
}
