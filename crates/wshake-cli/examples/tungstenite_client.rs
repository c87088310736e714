//! A tokio-tungstenite client for `wshake check-client`: connect to the URL, send one
//! message, wait (bounded) for a reply. Exit 0 when the handshake succeeded.
//!
//! `cargo run -p wshake-cli --example tungstenite_client -- ws://127.0.0.1:9001/`

use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use tokio_tungstenite::tungstenite::Message;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let Some(url) = std::env::args().nth(1) else {
        eprintln!("usage: tungstenite_client URL");
        return std::process::ExitCode::from(2);
    };
    let connected = tokio::time::timeout(
        Duration::from_secs(5),
        tokio_tungstenite::connect_async(url.as_str()),
    )
    .await;
    let Ok(Ok((mut ws, _))) = connected else {
        eprintln!("handshake failed or timed out");
        return std::process::ExitCode::FAILURE;
    };
    let _ = ws.send(Message::text("hello from tokio-tungstenite")).await;
    let _ = tokio::time::timeout(Duration::from_secs(2), ws.next()).await;
    std::process::ExitCode::SUCCESS
}
