//! An echo server that negotiates permessage-deflate with wshake and frames with soketto
//! (compression included): the server side of the deflate rows of `cargo xtask interop`.
//!
//! ```sh
//! cargo run -p wshake-tokio --example deflate_echo -- --listen 127.0.0.1:0
//! ```
//!
//! The first stdout line is `listening on ws://IP:PORT/`; each handshake's offer and answer
//! go to stderr. `GET /` (no upgrade) is a page that opens a WebSocket with the
//! browser's own offer and shows the echo (`?greet=1` on the WebSocket makes the server
//! send a first message, which the page answers with the text to echo).

#[path = "common/soketto_deflate.rs"]
mod soketto_deflate;

use std::io::Write as _;
use std::sync::Arc;

use soketto::Mode;
use soketto::connection::Builder;
use tokio::net::TcpListener;
use tokio_util::compat::TokioAsyncReadCompatExt as _;
use wshake_tokio::wshake_proto::extensions::DeflateConfig;
use wshake_tokio::wshake_proto::server::ServerConfig;
use wshake_tokio::{Answer, Options, Served, accept_or_plain};

const PAGE: &str = r#"<!doctype html><meta charset="utf-8"><title>deflate echo</title>
<p>status <span id="status">connecting</span>, extensions <span id="extensions"></span></p>
<script>
const text = "permessage-deflate from the browser; ".repeat(40);
const ws = new WebSocket("ws://" + location.host + "/echo?greet=1");
let greeted = false;
ws.onopen = () => { document.getElementById("status").textContent = "open";
  document.getElementById("extensions").textContent = ws.extensions; };
// The server speaks first (headless Chromium's virtual time moves on while a page only
// waits), then the long text goes out and must come back.
ws.onmessage = (e) => {
  if (!greeted) { greeted = true; ws.send(text); return; }
  document.getElementById("status").textContent = e.data === text ? "echoed" : "wrong echo";
  ws.close();
};
ws.onerror = () => { document.getElementById("status").textContent = "error"; };
</script>
"#;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let listen = args
        .iter()
        .position(|a| a == "--listen")
        .and_then(|i| args.get(i + 1))
        .map_or("127.0.0.1:0", String::as_str);
    let listener = TcpListener::bind(listen).await?;
    println!("listening on ws://{}/", listener.local_addr()?);
    std::io::stdout().flush()?;
    // soketto decompresses each message on its own: the client must not keep context.
    let config = Arc::new(ServerConfig::new().deflate(DeflateConfig {
        client_no_context_takeover: true,
        ..DeflateConfig::default()
    }));
    loop {
        let (socket, _) = listener.accept().await?;
        // soketto writes a frame's header and payload separately: without this, Nagle's
        // algorithm holds the payload for the peer's delayed ACK.
        socket.set_nodelay(true)?;
        let config = Arc::clone(&config);
        tokio::spawn(async move {
            let page = |path: &str| {
                (path == "/").then(|| {
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
                         Content-Length: {}\r\nConnection: close\r\n\r\n{PAGE}",
                        PAGE.len()
                    )
                    .into_bytes()
                })
            };
            let served = accept_or_plain(
                socket,
                config,
                &Options::new(),
                async |request| {
                    let offered: Vec<String> =
                        request.extensions().map(|e| e.to_string()).collect();
                    eprintln!("offer: {}", offered.join(", "));
                    Answer::policy()
                },
                &page,
            )
            .await;
            let Ok(Served::Upgraded(accepted, stream)) = served else {
                return;
            };
            let greet = accepted.request.view().query_param("greet").is_some();
            let Some(params) = accepted.deflate else {
                eprintln!("answer: no permessage-deflate");
                return echo(Builder::new(stream.compat(), Mode::Server), greet).await;
            };
            eprintln!("answer: {params}");
            let mut builder = Builder::new(stream.compat(), Mode::Server);
            match soketto_deflate::deflate(Mode::Server, params) {
                Ok(deflate) => builder.add_extensions([Box::new(deflate) as _]),
                Err(error) => return eprintln!("{error}"),
            }
            echo(builder, greet).await;
        });
    }
}

/// Echoes text and binary messages until the client closes, after a greeting when
/// `greet`.
async fn echo<T>(builder: Builder<T>, greet: bool)
where
    T: futures_util::AsyncRead + futures_util::AsyncWrite + Unpin,
{
    let (mut sender, mut receiver) = builder.finish();
    if greet && (sender.send_text("hello").await.is_err() || sender.flush().await.is_err()) {
        return;
    }
    let mut message = Vec::new();
    loop {
        message.clear();
        let data = match receiver.receive_data(&mut message).await {
            Ok(data) => data,
            Err(soketto::connection::Error::Closed) => return,
            Err(error) => return eprintln!("connection ended: {error}"),
        };
        let sent = if data.is_text() {
            match std::str::from_utf8(&message) {
                Ok(text) => sender.send_text(text).await,
                Err(_) => return,
            }
        } else {
            sender.send_binary(&message).await
        };
        if sent.is_err() || sender.flush().await.is_err() {
            return;
        }
    }
}
