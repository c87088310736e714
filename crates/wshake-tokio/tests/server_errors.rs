//! What a peer sees from a wshake server on bad or slow requests, over real loopback TCP.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use wshake_tokio::wshake_proto::server::{Request, ServerConfig};
use wshake_tokio::wshake_proto::{self as wshake_proto, Limits};
use wshake_tokio::{Answer, Error, Options, accept, accept_with};

const LIMIT: Duration = Duration::from_secs(10);

async fn serve_once(
    config: ServerConfig,
    options: Options,
) -> (String, tokio::task::JoinHandle<Result<(), Error>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let task = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        accept(socket, Arc::new(config), &options).await.map(|_| ())
    });
    (address, task)
}

/// Sends `bytes`, reads until the server closes, returns everything received.
async fn exchange(address: &str, bytes: &[u8]) -> Vec<u8> {
    let mut socket = TcpStream::connect(address).await.unwrap();
    socket.write_all(bytes).await.unwrap();
    let mut received = Vec::new();
    socket.read_to_end(&mut received).await.unwrap();
    received
}

fn status_of(response: &[u8]) -> u16 {
    let mut headers = [httparse::EMPTY_HEADER; 16];
    let mut parsed = httparse::Response::new(&mut headers);
    assert!(
        parsed.parse(response).unwrap().is_complete(),
        "{}",
        String::from_utf8_lossy(response)
    );
    parsed.code.unwrap()
}

#[tokio::test]
async fn s20_bad_request_gets_400_body_and_close() {
    tokio::time::timeout(LIMIT, async {
        let (address, task) = serve_once(ServerConfig::new(), Options::default()).await;
        let received = exchange(
            &address,
            b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n",
        )
        .await;
        assert_eq!(status_of(&received), 400);
        assert!(
            received.ends_with(b"missing Connection: Upgrade\n"),
            "{}",
            String::from_utf8_lossy(&received)
        );
        let error = task.await.unwrap().unwrap_err();
        assert_eq!(
            error.handshake(),
            Some(&wshake_proto::Error::MissingConnection)
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn h23_oversized_header_gets_431_at_the_client() {
    tokio::time::timeout(LIMIT, async {
        let limits = Limits::new().max_head_bytes(4096);
        let (address, task) =
            serve_once(ServerConfig::new().limits(limits), Options::default()).await;
        let mut request = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: ".to_vec();
        request.extend_from_slice(&[b'a'; 8192]);
        let mut socket = TcpStream::connect(&address).await.unwrap();
        // The server answers as soon as the limit is crossed; the rest may not be read.
        let _ = socket.write_all(&request).await;
        let mut received = Vec::new();
        let _ = socket.read_to_end(&mut received).await;
        assert_eq!(status_of(&received), 431);
        assert!(matches!(
            task.await.unwrap(),
            Err(Error::Handshake(wshake_proto::Error::HeadTooLarge { .. }))
        ));
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn s13v_wrong_version_gets_426_with_version_header() {
    tokio::time::timeout(LIMIT, async {
        let (address, _task) = serve_once(ServerConfig::new(), Options::default()).await;
        let received = exchange(
            &address,
            b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n",
        )
        .await;
        assert_eq!(status_of(&received), 426);
        assert!(String::from_utf8_lossy(&received).contains("\r\nSec-WebSocket-Version: 13\r\n"));
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn s13_async_decision_rejects_with_403() {
    tokio::time::timeout(LIMIT, async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let task = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            accept_with(socket, Arc::new(ServerConfig::new()), &Options::default(), async |request: &Request<'_>| {
                // Stands in for an awaited database or auth lookup.
                tokio::time::sleep(Duration::from_millis(20)).await;
                if request.path() == "/admin" {
                    Answer::reject(403).body("no\n")
                } else {
                    Answer::policy()
                }
            })
            .await
            .map(|_| ())
        });
        let received = exchange(
            &address,
            b"GET /admin HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        )
        .await;
        assert_eq!(status_of(&received), 403);
        assert!(received.ends_with(b"\r\n\r\nno\n"));
        assert!(matches!(task.await.unwrap(), Err(Error::Rejected { status: 403 })));
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn slowloris_is_cut_at_the_timeout_with_408() {
    tokio::time::timeout(LIMIT, async {
        let options = Options::new().timeout(Duration::from_millis(300));
        let (address, task) = serve_once(ServerConfig::new(), options).await;
        let mut socket = TcpStream::connect(&address).await.unwrap();
        let started = Instant::now();
        let request = b"GET / HTTP/1.1\r\nHost: x\r\n";
        let mut received = Vec::new();
        for byte in request {
            if socket.write_all(std::slice::from_ref(byte)).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            if started.elapsed() > Duration::from_millis(600) {
                break;
            }
        }
        let _ = socket.read_to_end(&mut received).await;
        assert_eq!(status_of(&received), 408);
        assert!(matches!(task.await.unwrap(), Err(Error::Timeout)));
        assert!(started.elapsed() < Duration::from_secs(3));
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn peer_closing_early_is_reported_as_closed() {
    tokio::time::timeout(LIMIT, async {
        let (address, task) = serve_once(ServerConfig::new(), Options::default()).await;
        let mut socket = TcpStream::connect(&address).await.unwrap();
        socket.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        drop(socket);
        assert!(matches!(task.await.unwrap(), Err(Error::Closed)));
    })
    .await
    .unwrap();
}
