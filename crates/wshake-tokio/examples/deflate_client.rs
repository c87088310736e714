//! A client that offers permessage-deflate with wshake and frames with soketto
//! (compression included): the client side of the deflate rows of `cargo xtask interop`.
//!
//! ```sh
//! cargo run -p wshake-tokio --example deflate_client -- ws://127.0.0.1:9001/ \
//!     "permessage-deflate; server_no_context_takeover; client_max_window_bits"
//! ```
//!
//! Each further argument is one offer (a `Sec-WebSocket-Extensions` element), in order of
//! preference. Prints the server's answer, then sends a compressible message and checks
//! that it comes back; exits 1 otherwise.

#[path = "common/soketto_deflate.rs"]
mod soketto_deflate;

use soketto::Mode;
use soketto::connection::Builder;
use tokio::net::TcpStream;
use tokio_util::compat::TokioAsyncReadCompatExt as _;
use wshake_tokio::wshake_proto::Key;
use wshake_tokio::wshake_proto::client::{ClientConfig, Target};
use wshake_tokio::wshake_proto::extensions::{DeflateOffer, Extensions};
use wshake_tokio::{Options, handshake};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(line) => {
            println!("{line}");
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            println!("failed: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<String, String> {
    let mut args = std::env::args().skip(1);
    let url = args.next().ok_or("usage: deflate_client URL OFFER...")?;
    let mut config = ClientConfig::new();
    for offer in args {
        let parsed = Extensions::parse(offer.as_bytes())
            .and_then(|mut list| list.next())
            .ok_or_else(|| format!("not an extension: {offer}"))?;
        let offer = DeflateOffer::parse(&parsed).map_err(|e| format!("{offer}: {e}"))?;
        config = config.deflate(offer);
    }
    let target = Target::from_url(&url).map_err(|e| e.to_string())?;
    let socket = TcpStream::connect((target.host(), target.port()))
        .await
        .map_err(|e| e.to_string())?;
    // soketto writes a frame's header and payload separately.
    socket.set_nodelay(true).map_err(|e| e.to_string())?;
    let key = Key::random().map_err(|e| e.to_string())?;
    let (connected, stream) = handshake(socket, config, target, key, &Options::new())
        .await
        .map_err(|e| e.to_string())?;
    let Some(params) = connected.deflate else {
        return Err("the server declined every offer".into());
    };
    let mut builder = Builder::new(stream.compat(), Mode::Client);
    builder.add_extensions([Box::new(soketto_deflate::deflate(Mode::Client, params)?) as _]);
    let (mut sender, mut receiver) = builder.finish();
    // Compresses well, so that the round trip exercises both compressors.
    let text = "permessage-deflate through wshake and soketto; ".repeat(40);
    sender.send_text(&text).await.map_err(|e| e.to_string())?;
    sender.flush().await.map_err(|e| e.to_string())?;
    let mut reply = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        receiver.receive_data(&mut reply),
    )
    .await
    .map_err(|_| "no echo within 10 s".to_string())?
    .map_err(|e| e.to_string())?;
    if reply != text.as_bytes() {
        return Err("the echo differs".into());
    }
    let _ = sender.close().await;
    Ok(format!("answer: {params}; echo ok"))
}
