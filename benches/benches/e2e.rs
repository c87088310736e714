//! End to end over loopback TCP: sequential handshakes, client and server in one process.
//! wshake (wshake-tokio client + server) beside tokio-tungstenite (`client_async` +
//! `accept_hdr_async`), same runtime, same group. Each iteration opens a TCP connection,
//! handshakes both sides and closes.

// criterion's macros generate undocumented public functions; tungstenite's callback
// signature fixes the size of its error type.
#![allow(missing_docs, clippy::result_large_err)]

use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;
use wshake_proto::{ClientConfig, Key, ServerConfig};
use wshake_tokio::Options;

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn e2e(c: &mut Criterion) {
    let mut group = c.benchmark_group("e2e");
    group.throughput(Throughput::Elements(1));

    let rt = runtime();
    let (address, config) = rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let server_config = Arc::new(ServerConfig::new().protocols(["chat"]));
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let _ = socket.set_nodelay(true);
                let config = Arc::clone(&server_config);
                tokio::spawn(async move {
                    let _ = wshake_tokio::accept(socket, config, &Options::default()).await;
                });
            }
        });
        let config = Arc::new(
            ClientConfig::new(&address.to_string(), "/chat")
                .and_then(|c| c.protocol("chat"))
                .expect("config"),
        );
        (address, config)
    });
    let mut nonce = 0u128;
    group.bench_function("wshake client + server", |b| {
        b.iter(|| {
            rt.block_on(async {
                let socket = TcpStream::connect(address).await.expect("connect");
                let _ = socket.set_nodelay(true);
                nonce += 1;
                let key = Key::from_nonce(nonce.to_le_bytes());
                let (connected, upgraded) =
                    wshake_tokio::handshake(socket, Arc::clone(&config), key, &Options::default())
                        .await
                        .expect("handshake");
                assert_eq!(connected.protocol.as_deref(), Some("chat"));
                drop(upgraded);
            });
        });
    });

    let rt = runtime();
    let address = rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else { return };
                let _ = socket.set_nodelay(true);
                tokio::spawn(async move {
                    let callback = |_: &tokio_tungstenite::tungstenite::handshake::server::Request,
                                    mut response: tokio_tungstenite::tungstenite::handshake::server::Response| {
                        response.headers_mut().insert(
                            "Sec-WebSocket-Protocol",
                            tokio_tungstenite::tungstenite::http::HeaderValue::from_static("chat"),
                        );
                        Ok(response)
                    };
                    let _ = tokio_tungstenite::accept_hdr_async(socket, callback).await;
                });
            }
        });
        address
    });
    let url = format!("ws://{address}/chat");
    group.bench_function("tokio-tungstenite client + server", |b| {
        b.iter(|| {
            rt.block_on(async {
                let socket = TcpStream::connect(address).await.expect("connect");
                let _ = socket.set_nodelay(true);
                let mut request =
                    tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(
                        url.as_str(),
                    )
                    .expect("request");
                request.headers_mut().insert(
                    "Sec-WebSocket-Protocol",
                    tokio_tungstenite::tungstenite::http::HeaderValue::from_static("chat"),
                );
                let (stream, response) = tokio_tungstenite::client_async(request, socket)
                    .await
                    .expect("handshake");
                assert_eq!(response.status(), 101);
                drop(stream);
            });
        });
    });
    group.finish();
}

criterion_group!(benches, e2e);
criterion_main!(benches);
