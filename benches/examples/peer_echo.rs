//! Echo servers built on other Rust WebSocket libraries, each written the way that
//! library's own examples write one, for `cargo xtask bench e2e-peers` (issue 16): the
//! same load against `wshake serve` and against these, in one run.
//!
//! ```sh
//! cargo run --release -p wshake-benches --example peer_echo -- soketto --listen 127.0.0.1:0
//! # listening on ws://127.0.0.1:PORT/
//! ```
//!
//! `LIBRARY` is one of `soketto`, `fastwebsockets` (on hyper 1.x), `tokio-tungstenite` or
//! `tokio-websockets`; axum's own is `axum_builtin_echo`. Every path upgrades; text and
//! binary messages are echoed; a close is answered by the library. Each server runs on
//! `#[tokio::main]`'s default multi-threaded runtime (what most users of these libraries
//! run; `wshake serve` is measured in that layout too, `--shared-runtime`), one task per
//! connection, and logs nothing: what a user of the library gets from its examples.

use std::io::Write as _;
use std::net::SocketAddr;

use clap::{Parser, ValueEnum};
use tokio::net::{TcpListener, TcpStream};

/// An echo server on another library.
#[derive(Debug, Parser)]
struct Args {
    /// The library the server is built on.
    library: Library,
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:9001")]
    listen: SocketAddr,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Library {
    Soketto,
    Fastwebsockets,
    TokioTungstenite,
    TokioWebsockets,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let listener = TcpListener::bind(args.listen)
        .await
        .unwrap_or_else(|error| panic!("cannot listen on {}: {error}", args.listen));
    let address = listener
        .local_addr()
        .expect("a bound listener has an address");
    println!("listening on ws://{address}/");
    let _ = std::io::stdout().flush();
    loop {
        let Ok((socket, _)) = listener.accept().await else {
            continue;
        };
        let _ = socket.set_nodelay(true);
        tokio::spawn(async move {
            // Errors end the connection, as in the libraries' examples.
            let _ = match args.library {
                Library::Soketto => soketto_echo(socket).await,
                Library::Fastwebsockets => fastwebsockets_echo(socket).await,
                Library::TokioTungstenite => tokio_tungstenite_echo(socket).await,
                Library::TokioWebsockets => tokio_websockets_echo(socket).await,
            };
        });
    }
}

type Result = std::result::Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// soketto's `examples/hyper_server.rs` shape without hyper: its own handshake, then
/// `receive_data` / `send_*` until the close.
async fn soketto_echo(socket: TcpStream) -> Result {
    use soketto::handshake::{Server, server::Response};
    use tokio_util::compat::TokioAsyncReadCompatExt as _;

    let mut server = Server::new(socket.compat());
    let key = server.receive_request().await?.key();
    server
        .send_response(&Response::Accept {
            key,
            protocol: None,
        })
        .await?;
    let (mut sender, mut receiver) = server.into_builder().finish();
    let mut message = Vec::new();
    loop {
        message.clear();
        match receiver.receive_data(&mut message).await? {
            soketto::Data::Text(_) => sender.send_text(std::str::from_utf8(&message)?).await?,
            soketto::Data::Binary(_) => sender.send_binary_mut(&mut message).await?,
        }
        sender.flush().await?;
    }
}

/// fastwebsockets' `examples/echo_server.rs`: hyper's HTTP/1.1 server with upgrades,
/// `fastwebsockets::upgrade::upgrade`, a `FragmentCollector` echoing frames.
async fn fastwebsockets_echo(socket: TcpStream) -> Result {
    use fastwebsockets::{FragmentCollector, OpCode, upgrade};
    use hyper::body::Incoming;
    use hyper::{Request, Response};

    async fn handle(
        mut request: Request<Incoming>,
    ) -> std::result::Result<
        Response<http_body_util::Empty<bytes::Bytes>>,
        fastwebsockets::WebSocketError,
    > {
        let (response, upgraded) = upgrade::upgrade(&mut request)?;
        tokio::spawn(async move {
            let Ok(ws) = upgraded.await else { return };
            let mut ws = FragmentCollector::new(ws);
            while let Ok(frame) = ws.read_frame().await {
                let echoed = match frame.opcode {
                    OpCode::Close => break,
                    OpCode::Text | OpCode::Binary => ws.write_frame(frame).await,
                    _ => Ok(()),
                };
                if echoed.is_err() {
                    break;
                }
            }
        });
        Ok(response)
    }

    hyper::server::conn::http1::Builder::new()
        .serve_connection(
            hyper_util::rt::TokioIo::new(socket),
            hyper::service::service_fn(handle),
        )
        .with_upgrades()
        .await?;
    Ok(())
}

/// tokio-tungstenite's `examples/echo-server.rs`: `accept_async`, then forward what is
/// read back to the sender.
async fn tokio_tungstenite_echo(socket: TcpStream) -> Result {
    use futures_util::{SinkExt as _, StreamExt as _};

    let mut ws = tokio_tungstenite::accept_async(socket).await?;
    while let Some(message) = ws.next().await {
        let message = message?;
        if message.is_text() || message.is_binary() {
            ws.send(message).await?;
        }
    }
    Ok(())
}

/// tokio-websockets' `examples/echo_server.rs`: `ServerBuilder::accept`, then echo.
async fn tokio_websockets_echo(socket: TcpStream) -> Result {
    use futures_util::{SinkExt as _, StreamExt as _};

    let (_request, mut ws) = tokio_websockets::ServerBuilder::new()
        .accept(socket)
        .await?;
    while let Some(message) = ws.next().await {
        let message = message?;
        if message.is_text() || message.is_binary() {
            ws.send(message).await?;
        }
    }
    Ok(())
}
