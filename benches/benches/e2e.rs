//! End to end over loopback TCP: sequential handshakes, client and server in one process.
//! wshake (wshake-tokio client + server) beside tokio-tungstenite (`client_async` +
//! `accept_hdr_async`), same runtime, same group. Each iteration opens a TCP connection,
//! handshakes both sides and closes. Three more rows bound what any library can show here:
//! the same bytes exchanged with no library at all, the same under the handshake timeout,
//! and wshake-proto's work without I/O.

// criterion's macros generate undocumented public functions; tungstenite's callback
// signature fixes the size of its error type.
#![allow(missing_docs, clippy::result_large_err)]

use std::hint::black_box;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;
use wshake_proto::client::{ClientConfig, ClientHandshake, Target};
use wshake_proto::server::{ServerConfig, ServerHandshake};
use wshake_proto::{Key, Status};
use wshake_tokio::Options;

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

type Group<'a> = BenchmarkGroup<'a, WallTime>;

/// Listens on loopback in `rt` and runs `handle` in its own task for each connection, as
/// a server does; returns the address.
fn serve_each<F, Fut>(rt: &Runtime, handle: F) -> SocketAddr
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let _ = socket.set_nodelay(true);
                tokio::spawn(handle(socket));
            }
        });
        address
    })
}

fn e2e(c: &mut Criterion) {
    let mut group = c.benchmark_group("e2e");
    group.throughput(Throughput::Elements(1));
    wshake_pair(&mut group);
    tungstenite_pair(&mut group);
    floor(&mut group, None);
    floor(&mut group, Some(Options::default().handshake_timeout()));
    proto_only(&mut group);
    group.finish();
}

fn wshake_pair(group: &mut Group<'_>) {
    let rt = runtime();
    let server_config = Arc::new(ServerConfig::new().protocols(["chat"]));
    let address = serve_each(&rt, move |socket| {
        let config = Arc::clone(&server_config);
        async move {
            let _ = wshake_tokio::accept(socket, config, &Options::default()).await;
        }
    });
    let config = Arc::new(ClientConfig::new().protocol("chat").expect("config"));
    let target = Target::new(&address.to_string(), "/chat").expect("target");
    let mut nonce = 0u128;
    group.bench_function("wshake client + server", |b| {
        b.iter(|| {
            rt.block_on(async {
                let socket = TcpStream::connect(address).await.expect("connect");
                let _ = socket.set_nodelay(true);
                nonce += 1;
                let key = Key::from_nonce(nonce.to_le_bytes());
                let (connected, upgraded) = wshake_tokio::handshake(
                    socket,
                    Arc::clone(&config),
                    target.clone(),
                    key,
                    &Options::default(),
                )
                .await
                .expect("handshake");
                assert_eq!(connected.protocol.as_deref(), Some("chat"));
                drop(upgraded);
            });
        });
    });
}

fn tungstenite_pair(group: &mut Group<'_>) {
    let rt = runtime();
    let address = serve_each(&rt, |socket| async move {
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
}

/// The floor: the same bytes on the same sockets with no handshake library at all (one
/// read, one write per side, nothing parsed). What is left of an iteration once every
/// library cost is gone bounds the ratio any pair of libraries can show here. With
/// `timeout`, each side's exchange runs under the 10 s `tokio::time::timeout` a handshake
/// needs against slowloris peers, as wshake-tokio's does: the cost of that timer alone.
fn floor(group: &mut Group<'_>, timeout: Option<Duration>) {
    let rt = runtime();
    let address = serve_each(&rt, move |mut socket| async move {
        let exchange = async {
            let mut buffer = [0u8; 1024];
            if socket.read(&mut buffer).await.is_ok() {
                let _ = socket.write_all(FLOOR_RESPONSE).await;
            }
        };
        match timeout {
            Some(limit) => drop(tokio::time::timeout(limit, exchange).await),
            None => exchange.await,
        }
    });
    let name = if timeout.is_some() {
        "floor with a 10 s timeout on each side"
    } else {
        "floor: same bytes, no library"
    };
    group.bench_function(name, |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut socket = TcpStream::connect(address).await.expect("connect");
                let _ = socket.set_nodelay(true);
                let exchange = async {
                    socket.write_all(FLOOR_REQUEST).await.expect("write");
                    let mut buffer = [0u8; 1024];
                    socket.read(&mut buffer).await.expect("read")
                };
                let n = match timeout {
                    Some(limit) => tokio::time::timeout(limit, exchange)
                        .await
                        .expect("in time"),
                    None => exchange.await,
                };
                assert_eq!(n, FLOOR_RESPONSE.len());
            });
        });
    });
}

/// wshake's own work in one e2e iteration with no I/O: fresh machines for both roles,
/// request, validation, 101, verification (two SHA-1s). Floor + this is the least any
/// wshake client + server pair can take per handshake on this machine.
fn proto_only(group: &mut Group<'_>) {
    let mut nonce = 0u128;
    let server_config = Arc::new(ServerConfig::new().protocols(["chat"]));
    let client_config = Arc::new(ClientConfig::new().protocol("chat").expect("config"));
    let target = Target::new("127.0.0.1:40000", "/chat").expect("target");
    group.bench_function("wshake-proto only: both roles, no I/O", |b| {
        b.iter(|| {
            nonce += 1;
            let key = Key::from_nonce(nonce.to_le_bytes());
            let mut client = ClientHandshake::new(Arc::clone(&client_config), target.clone(), key);
            let mut request = Vec::with_capacity(256);
            client.write_request(&mut request);
            let mut server = ServerHandshake::new(Arc::clone(&server_config));
            server.feed(black_box(&request));
            let Ok(Status::Ready(incoming)) = server.poll() else {
                panic!("a valid request");
            };
            let mut response = Vec::with_capacity(256);
            let policy = incoming.decide().expect("accepted");
            incoming.accept(&policy, &mut response).expect("written");
            client.feed(black_box(&response));
            let Ok(Status::Ready(outcome)) = client.poll() else {
                panic!("a valid response");
            };
            black_box(outcome.protocol().map(str::len))
        });
    });
}

const FLOOR_REQUEST: &[u8] = b"GET /chat HTTP/1.1\r\nHost: 127.0.0.1:40000\r\n\
Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\
Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: chat\r\n\r\n";
const FLOOR_RESPONSE: &[u8] = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\
Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\
Sec-WebSocket-Protocol: chat\r\n\r\n";

criterion_group!(benches, e2e);
criterion_main!(benches);
